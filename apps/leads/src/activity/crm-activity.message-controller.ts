import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  Subjects,
  type DealClosedV1,
  type DealCreatedV1,
  type DealStageChangedV1,
  type LeadCreatedV1,
  type LeadManualReviewV1,
  type LeadRoutedV1,
  type MessageEnvelope,
  type MocoInvoicePaidV1,
  type TaskChangedV1,
} from '@crm/contracts';
import { OnEventBatch } from '@crm/messaging';
import { CrmActivityService } from './crm-activity.service';

/**
 * Durable consumers of leads' own domain events, in batches, one per subject: each becomes a CRM activity row of
 * the event feed (api.md §4.3). The transport has validated the payloads.
 */
@Controller()
export class CrmActivityMessageController {
  constructor(private readonly activity: CrmActivityService) {}

  @OnEventBatch(Subjects.LeadCreated)
  async onLeadCreated(@Payload() envelopes: MessageEnvelope<LeadCreatedV1>[]): Promise<void> {
    await this.activity.recordActivities({ subject: Subjects.LeadCreated, envelopes });
  }

  @OnEventBatch(Subjects.DealCreated)
  async onDealCreated(@Payload() envelopes: MessageEnvelope<DealCreatedV1>[]): Promise<void> {
    await this.activity.recordActivities({ subject: Subjects.DealCreated, envelopes });
  }

  @OnEventBatch(Subjects.DealStageChanged)
  async onDealStageChanged(@Payload() envelopes: MessageEnvelope<DealStageChangedV1>[]): Promise<void> {
    await this.activity.recordActivities({ subject: Subjects.DealStageChanged, envelopes });
  }

  @OnEventBatch(Subjects.DealWon)
  async onDealWon(@Payload() envelopes: MessageEnvelope<DealClosedV1>[]): Promise<void> {
    await this.activity.recordActivities({ subject: Subjects.DealWon, envelopes });
  }

  @OnEventBatch(Subjects.DealLost)
  async onDealLost(@Payload() envelopes: MessageEnvelope<DealClosedV1>[]): Promise<void> {
    await this.activity.recordActivities({ subject: Subjects.DealLost, envelopes });
  }

  @OnEventBatch(Subjects.LeadRouted)
  async onLeadRouted(@Payload() envelopes: MessageEnvelope<LeadRoutedV1>[]): Promise<void> {
    await this.activity.recordActivities({ subject: Subjects.LeadRouted, envelopes });
  }

  @OnEventBatch(Subjects.LeadManualReview)
  async onLeadManualReview(@Payload() envelopes: MessageEnvelope<LeadManualReviewV1>[]): Promise<void> {
    await this.activity.recordActivities({ subject: Subjects.LeadManualReview, envelopes });
  }

  @OnEventBatch(Subjects.TaskCreated)
  async onTaskCreated(@Payload() envelopes: MessageEnvelope<TaskChangedV1>[]): Promise<void> {
    await this.activity.recordActivities({ subject: Subjects.TaskCreated, envelopes });
  }

  @OnEventBatch(Subjects.TaskCompleted)
  async onTaskCompleted(@Payload() envelopes: MessageEnvelope<TaskChangedV1>[]): Promise<void> {
    await this.activity.recordActivities({ subject: Subjects.TaskCompleted, envelopes });
  }

  @OnEventBatch(Subjects.MocoInvoicePaid)
  async onInvoicePaid(@Payload() envelopes: MessageEnvelope<MocoInvoicePaidV1>[]): Promise<void> {
    await this.activity.recordActivities({ subject: Subjects.MocoInvoicePaid, envelopes });
  }
}
