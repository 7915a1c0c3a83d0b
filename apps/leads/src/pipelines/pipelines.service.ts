import { Injectable } from '@nestjs/common';
import {
  NotFoundError,
  type GetPipelineQuery,
  type ListPipelinesQuery,
  type PipelineMetricsView,
  type PipelineView,
  type StageDetailView,
  type StageView,
} from '@crm/contracts';
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

  async getPipeline(query: GetPipelineQuery): Promise<PipelineView & { stages?: StageView[] }> {
    const pipeline = await this.pipelines.findPipeline(query.id);
    if (!pipeline) throw new NotFoundError('Pipeline', query.id);
    if (query.include_stages === false) return toPipelineView(pipeline);
    return {
      ...toPipelineView(pipeline),
      stages: (await this.pipelines.listStages(pipeline.id)).map(toStageView),
    };
  }

  /** Counts and values of the pipeline's deals; win rate is won / (won + lost), 0 when none closed. */
  async metrics(pipelineId: string): Promise<PipelineMetricsView> {
    const pipeline = await this.pipelines.findPipeline(pipelineId);
    if (!pipeline) throw new NotFoundError('Pipeline', pipelineId);
    const { byStatus, avgCycleDays } = await this.pipelines.dealFigures(pipelineId);
    const of = (status: string) => byStatus.find((row) => row.status === status);
    const count = (status: string) => of(status)?.count ?? 0;
    const value = (status: string) => Number(of(status)?.value ?? 0);
    const total = count('open') + count('won') + count('lost');
    const totalValue = value('open') + value('won') + value('lost');
    const closed = count('won') + count('lost');
    return {
      pipeline_id: pipeline.id,
      pipeline_name: pipeline.name,
      total_deals: total,
      open_deals: count('open'),
      won_deals: count('won'),
      lost_deals: count('lost'),
      total_value: totalValue,
      won_value: value('won'),
      avg_deal_value: total ? round2(totalValue / total) : 0,
      avg_sales_cycle_days: avgCycleDays === null ? null : round2(avgCycleDays),
      win_rate: closed ? round2(count('won') / closed) : 0,
      stages: (await this.pipelines.openDealsPerStage(pipelineId)).map((stage) => ({
        ...stage,
        total_value: Number(stage.total_value),
        avg_value: stage.deals_count ? round2(Number(stage.total_value) / stage.deals_count) : 0,
      })),
    };
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

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
