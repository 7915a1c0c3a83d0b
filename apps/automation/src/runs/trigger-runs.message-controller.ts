import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ByIdQuery,
  ExecuteTriggerCommand,
  ListTriggerRunsQuery,
  Queries,
  RetryTriggerRunCommand,
  type Page,
  type TriggerExecutionView,
  type TriggerRunView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { TriggerExecutionService } from './trigger-execution.service';
import { TriggerRunsService } from './trigger-runs.service';

@Controller()
export class TriggerRunsMessageController {
  constructor(
    private readonly triggerRuns: TriggerRunsService,
    private readonly execution: TriggerExecutionService,
  ) {}

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

  @OnRequest(Queries.AutomationExecuteTrigger)
  execute(@Payload(ContractValidationPipe) command: ExecuteTriggerCommand): Promise<TriggerExecutionView> {
    return this.execution.execute(command);
  }
}
