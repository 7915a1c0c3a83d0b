import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ByIdQuery,
  GetPipelineQuery,
  ListPipelinesQuery,
  Queries,
  type PipelineMetricsView,
  type PipelineView,
  type StageDetailView,
  type StageView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { PipelinesService } from './pipelines.service';

@Controller()
export class PipelinesMessageController {
  constructor(private readonly pipelines: PipelinesService) {}

  @OnRequest(Queries.LeadsListPipelines)
  list(@Payload(ContractValidationPipe) query: ListPipelinesQuery): Promise<{ data: PipelineView[] }> {
    return this.pipelines.listPipelines(query);
  }

  /** `id` is the pipeline's id. */
  @OnRequest(Queries.LeadsGetPipeline)
  get(
    @Payload(ContractValidationPipe) query: GetPipelineQuery,
  ): Promise<PipelineView & { stages?: StageView[] }> {
    return this.pipelines.getPipeline(query);
  }

  @OnRequest(Queries.LeadsPipelineMetrics)
  metrics(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<PipelineMetricsView> {
    return this.pipelines.metrics(query.id);
  }

  @OnRequest(Queries.LeadsListStages)
  stages(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<{ data: StageView[] }> {
    return this.pipelines.listStages(query.id);
  }

  @OnRequest(Queries.LeadsGetStage)
  stage(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<StageDetailView> {
    return this.pipelines.getStage(query.id);
  }
}
