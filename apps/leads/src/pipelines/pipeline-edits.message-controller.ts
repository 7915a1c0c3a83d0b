import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ByIdCommand,
  CreatePipelineCommand,
  CreateStageCommand,
  Queries,
  ReorderStagesCommand,
  UpdatePipelineCommand,
  UpdateStageCommand,
  type PipelineView,
  type StageView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { PipelineEditsService } from './pipeline-edits.service';

/** Pipeline and stage edits (api.md §7) for the gateway. */
@Controller()
export class PipelineEditsMessageController {
  constructor(private readonly edits: PipelineEditsService) {}

  @OnRequest(Queries.LeadsCreatePipeline)
  createPipeline(@Payload(ContractValidationPipe) command: CreatePipelineCommand): Promise<PipelineView> {
    return this.edits.createPipeline(command);
  }

  @OnRequest(Queries.LeadsUpdatePipeline)
  updatePipeline(@Payload(ContractValidationPipe) command: UpdatePipelineCommand): Promise<PipelineView> {
    return this.edits.updatePipeline(command);
  }

  @OnRequest(Queries.LeadsDeletePipeline)
  async deletePipeline(@Payload(ContractValidationPipe) command: ByIdCommand): Promise<{ success: true }> {
    await this.edits.deletePipeline(command);
    return { success: true };
  }

  @OnRequest(Queries.LeadsCreateStage)
  createStage(@Payload(ContractValidationPipe) command: CreateStageCommand): Promise<StageView> {
    return this.edits.createStage(command);
  }

  @OnRequest(Queries.LeadsReorderStages)
  reorderStages(
    @Payload(ContractValidationPipe) command: ReorderStagesCommand,
  ): Promise<{ data: StageView[] }> {
    return this.edits.reorderStages(command);
  }

  @OnRequest(Queries.LeadsUpdateStage)
  updateStage(@Payload(ContractValidationPipe) command: UpdateStageCommand): Promise<StageView> {
    return this.edits.updateStage(command);
  }

  @OnRequest(Queries.LeadsDeleteStage)
  async deleteStage(@Payload(ContractValidationPipe) command: ByIdCommand): Promise<{ success: true }> {
    await this.edits.deleteStage(command);
    return { success: true };
  }
}
