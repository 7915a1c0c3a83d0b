import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  GetStageTriggersQuery,
  Queries,
  ReplaceStageTriggersCommand,
  type StageTriggersView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { StageTriggersService, type ReplaceStageTriggersResult } from './stage-triggers.service';

@Controller()
export class StageTriggersMessageController {
  constructor(private readonly stageTriggers: StageTriggersService) {}

  @OnRequest(Queries.AutomationGetStageTriggers)
  get(@Payload(ContractValidationPipe) query: GetStageTriggersQuery): Promise<StageTriggersView> {
    return this.stageTriggers.getStageTriggers(query);
  }

  @OnRequest(Queries.AutomationReplaceStageTriggers)
  replace(
    @Payload(ContractValidationPipe) command: ReplaceStageTriggersCommand,
  ): Promise<ReplaceStageTriggersResult> {
    return this.stageTriggers.replaceStageTriggers(command);
  }
}
