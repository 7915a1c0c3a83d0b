import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ByIdQuery,
  ListTriggerRunsQuery,
  Queries,
  RetryTriggerRunCommand,
  type Page,
  type TriggerRunView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { TriggerRunsService } from './trigger-runs.service';

@Controller()
export class TriggerRunsMessageController {
  constructor(private readonly triggerRuns: TriggerRunsService) {}

  @OnRequest(Queries.AutomationListRuns)
  list(@Payload(ContractValidationPipe) query: ListTriggerRunsQuery): Promise<Page<TriggerRunView>> {
    return this.triggerRuns.listRuns(query);
  }

  @OnRequest(Queries.AutomationGetRun)
  get(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<TriggerRunView> {
    return this.triggerRuns.getRun(query);
  }

  @OnRequest(Queries.AutomationRetryRun)
  retry(@Payload(ContractValidationPipe) command: RetryTriggerRunCommand): Promise<{ data: TriggerRunView }> {
    return this.triggerRuns.retryRun(command);
  }
}
