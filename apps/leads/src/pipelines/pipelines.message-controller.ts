import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ByIdQuery,
  ListPipelinesQuery,
  Queries,
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
  @OnRequest(Queries.LeadsListStages)
  stages(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<{ data: StageView[] }> {
    return this.pipelines.listStages(query.id);
  }

  @OnRequest(Queries.LeadsGetStage)
  stage(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<StageDetailView> {
    return this.pipelines.getStage(query.id);
  }
}
