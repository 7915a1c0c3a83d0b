import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  GetStageTriggersQuery,
  ListStagesTriggersQuery,
  Queries,
  ReplaceStageTriggersCommand,
  type StageTriggersView,
  type StagesTriggersView,
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

  @OnRequest(Queries.AutomationListStagesTriggers)
  list(@Payload(ContractValidationPipe) query: ListStagesTriggersQuery): Promise<StagesTriggersView> {
    return this.stageTriggers.listStagesTriggers(query);
  }

  @OnRequest(Queries.AutomationReplaceStageTriggers)
  replace(
    @Payload(ContractValidationPipe) command: ReplaceStageTriggersCommand,
  ): Promise<ReplaceStageTriggersResult> {
    return this.stageTriggers.replaceStageTriggers(command);
  }
}
