import { Injectable } from '@nestjs/common';
import { NotFoundError, type ListPipelinesQuery, type PipelineView, type StageDetailView, type StageView } from '@crm/contracts';
import { toPipelineView, toStageView } from './pipeline.mapper';
import { PipelineRepository } from './pipeline.repository';

/** Read side of pipelines and stages (api.md §7). */
@Injectable()
export class PipelinesService {
  constructor(private readonly pipelines: PipelineRepository) {}

  async listPipelines(query: ListPipelinesQuery): Promise<{ data: PipelineView[] }> {
    const pipelines = await this.pipelines.listPipelines(query.include_inactive === true);
    if (!query.with_summary) return { data: pipelines.map((p) => toPipelineView(p)) };
    const summaries = new Map(
      (await this.pipelines.summaries(pipelines.map((p) => p.id))).map((s) => [s.pipelineId, s]),
    );
    return { data: pipelines.map((p) => toPipelineView(p, summaries.get(p.id))) };
  }

  async listStages(pipelineId: string): Promise<{ data: StageView[] }> {
    const pipeline = await this.pipelines.findPipeline(pipelineId);
    if (!pipeline) throw new NotFoundError('Pipeline', pipelineId);
    return { data: (await this.pipelines.listStages(pipelineId)).map(toStageView) };
  }

  /** A stage with the name of its pipeline (the gateway names the stage to automation with it). */
  async getStage(id: string): Promise<StageDetailView> {
    const stage = await this.pipelines.findStage(id);
    if (!stage) throw new NotFoundError('Stage', id);
    const pipeline = await this.pipelines.findPipeline(stage.pipelineId);
    return { ...toStageView(stage), pipeline_name: pipeline?.name ?? '' };
  }
}
