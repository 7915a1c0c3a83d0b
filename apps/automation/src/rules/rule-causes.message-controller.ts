import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  AutomationRulesConsumers as Consumer,
  Subjects,
  type DealClosedV1,
  type DealCreatedV1,
  type DealDeletedV1,
  type DealReopenedV1,
  type DealStageChangedV1,
  type LeadEventRecordedV1,
  type LeadIntentDetectedV1,
  type LeadsCreateTaskFailedV1,
  type LeadsRuleActionFailedV1,
  type LeadsRuleActionSucceededV1,
  type LeadsTaskCreatedForCommandV1,
  type LeadScoredV1,
  type MessageEnvelope,
  type MocoSyncFailedV1,
  type MocoSyncSucceededV1,
  type SlackMessageFailedV1,
  type SlackMessagePostedV1,
} from '@crm/contracts';
import { OnEvent, OnEventBatch } from '@crm/messaging';
import { DealStagesService } from './deal-stages.service';
import { RuleResultsService } from './rule-results.service';
import { RuleTriggersService } from './rule-triggers.service';

/** The causes rules fire on, and the deal moves `time_in_stage` rules measure (api.md §12). */
@Controller()
export class RuleCausesMessageController {
  constructor(
    private readonly triggers: RuleTriggersService,
    private readonly dealStages: DealStagesService,
  ) {}

  @OnEventBatch(Subjects.LeadEventRecorded, { consumer: Consumer.LeadEventRecorded })
  async eventsRecorded(@Payload() envelopes: MessageEnvelope<LeadEventRecordedV1>[]): Promise<void> {
    await this.triggers.eventsRecorded(envelopes.map((envelope) => envelope.data));
  }

  @OnEvent(Subjects.LeadScored, { consumer: Consumer.LeadScored })
  async leadScored(@Payload() envelope: MessageEnvelope<LeadScoredV1>): Promise<void> {
    await this.triggers.leadScored(envelope.data);
  }

  @OnEvent(Subjects.LeadIntentDetected, { consumer: Consumer.LeadIntentDetected })
  async intentDetected(@Payload() envelope: MessageEnvelope<LeadIntentDetectedV1>): Promise<void> {
    await this.triggers.intentDetected(envelope.data);
  }

  @OnEvent(Subjects.DealStageChanged, { consumer: Consumer.DealStageChanged })
  async stageChanged(@Payload() envelope: MessageEnvelope<DealStageChangedV1>): Promise<void> {
    await this.dealStages.stageChanged(envelope.data);
    await this.triggers.stageChanged(envelope.data);
  }

  @OnEvent(Subjects.DealCreated, { consumer: Consumer.DealCreated })
  dealCreated(@Payload() envelope: MessageEnvelope<DealCreatedV1>): Promise<void> {
    return this.dealStages.created(envelope.data);
  }

  @OnEvent(Subjects.DealWon, { consumer: Consumer.DealWon })
  dealWon(@Payload() envelope: MessageEnvelope<DealClosedV1>): Promise<void> {
    return this.dealStages.closed(envelope.data, 'won');
  }

  @OnEvent(Subjects.DealLost, { consumer: Consumer.DealLost })
  dealLost(@Payload() envelope: MessageEnvelope<DealClosedV1>): Promise<void> {
    return this.dealStages.closed(envelope.data, 'lost');
  }

  @OnEvent(Subjects.DealReopened, { consumer: Consumer.DealReopened })
  dealReopened(@Payload() envelope: MessageEnvelope<DealReopenedV1>): Promise<void> {
    return this.dealStages.reopened(envelope.data);
  }

  @OnEvent(Subjects.DealDeleted, { consumer: Consumer.DealDeleted })
  dealDeleted(@Payload() envelope: MessageEnvelope<DealDeletedV1>): Promise<void> {
    return this.dealStages.deleted(envelope.data);
  }
}

/** Outcomes of the commands rule firings sent. */
@Controller()
export class RuleResultsMessageController {
  constructor(private readonly results: RuleResultsService) {}

  @OnEvent(Subjects.SlackMessagePosted, { consumer: Consumer.SlackMessagePosted })
  slackPosted(@Payload() envelope: MessageEnvelope<SlackMessagePostedV1>): Promise<void> {
    return this.results.slackPosted(envelope.data);
  }

  @OnEvent(Subjects.SlackMessageFailed, { consumer: Consumer.SlackMessageFailed })
  slackFailed(@Payload() envelope: MessageEnvelope<SlackMessageFailedV1>): Promise<void> {
    return this.results.slackFailed(envelope.data);
  }

  @OnEvent(Subjects.MocoSyncSucceeded, { consumer: Consumer.MocoSyncSucceeded })
  mocoSucceeded(@Payload() envelope: MessageEnvelope<MocoSyncSucceededV1>): Promise<void> {
    return this.results.mocoSucceeded(envelope.data);
  }

  @OnEvent(Subjects.MocoSyncFailed, { consumer: Consumer.MocoSyncFailed })
  mocoFailed(@Payload() envelope: MessageEnvelope<MocoSyncFailedV1>): Promise<void> {
    return this.results.mocoFailed(envelope.data);
  }

  @OnEvent(Subjects.LeadsCreateTaskSucceeded, { consumer: Consumer.TaskCreated })
  taskCreated(@Payload() envelope: MessageEnvelope<LeadsTaskCreatedForCommandV1>): Promise<void> {
    return this.results.taskCreated(envelope.data);
  }

  @OnEvent(Subjects.LeadsCreateTaskFailed, { consumer: Consumer.TaskFailed })
  taskFailed(@Payload() envelope: MessageEnvelope<LeadsCreateTaskFailedV1>): Promise<void> {
    return this.results.taskFailed(envelope.data);
  }

  @OnEvent(Subjects.LeadsRuleActionSucceeded, { consumer: Consumer.RuleActionSucceeded })
  leadsActionSucceeded(@Payload() envelope: MessageEnvelope<LeadsRuleActionSucceededV1>): Promise<void> {
    return this.results.leadsActionSucceeded(envelope.data);
  }

  @OnEvent(Subjects.LeadsRuleActionFailed, { consumer: Consumer.RuleActionFailed })
  leadsActionFailed(@Payload() envelope: MessageEnvelope<LeadsRuleActionFailedV1>): Promise<void> {
    return this.results.leadsActionFailed(envelope.data);
  }
}
