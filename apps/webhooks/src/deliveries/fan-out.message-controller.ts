import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Subjects, type MessageEnvelope } from '@crm/contracts';
import { OnEventBatch } from '@crm/messaging';
import { FanOutService } from './fan-out.service';

type Envelopes = MessageEnvelope<object>[];

/**
 * Batched durable consumers of the domain events of api.md §19, one per subject (nats-server 2.9 allows one
 * filter subject per consumer). `lead.erased` is fanned out by the GDPR consumer.
 */
@Controller()
export class FanOutMessageController {
  constructor(private readonly fanOut: FanOutService) {}

  @OnEventBatch(Subjects.LeadCreated)
  leadCreated(@Payload() envelopes: Envelopes): Promise<void> {
    return this.fanOut.fanOut(Subjects.LeadCreated, envelopes);
  }

  @OnEventBatch(Subjects.LeadUpdated)
  leadUpdated(@Payload() envelopes: Envelopes): Promise<void> {
    return this.fanOut.fanOut(Subjects.LeadUpdated, envelopes);
  }

  @OnEventBatch(Subjects.LeadScored)
  leadScored(@Payload() envelopes: Envelopes): Promise<void> {
    return this.fanOut.fanOut(Subjects.LeadScored, envelopes);
  }

  @OnEventBatch(Subjects.LeadIntentDetected)
  leadIntentDetected(@Payload() envelopes: Envelopes): Promise<void> {
    return this.fanOut.fanOut(Subjects.LeadIntentDetected, envelopes);
  }

  @OnEventBatch(Subjects.LeadRouted)
  leadRouted(@Payload() envelopes: Envelopes): Promise<void> {
    return this.fanOut.fanOut(Subjects.LeadRouted, envelopes);
  }

  @OnEventBatch(Subjects.LeadManualReview)
  leadManualReview(@Payload() envelopes: Envelopes): Promise<void> {
    return this.fanOut.fanOut(Subjects.LeadManualReview, envelopes);
  }

  @OnEventBatch(Subjects.LeadImportCompleted)
  leadImportCompleted(@Payload() envelopes: Envelopes): Promise<void> {
    return this.fanOut.fanOut(Subjects.LeadImportCompleted, envelopes);
  }

  @OnEventBatch(Subjects.DealCreated)
  dealCreated(@Payload() envelopes: Envelopes): Promise<void> {
    return this.fanOut.fanOut(Subjects.DealCreated, envelopes);
  }

  @OnEventBatch(Subjects.DealAssigned)
  dealAssigned(@Payload() envelopes: Envelopes): Promise<void> {
    return this.fanOut.fanOut(Subjects.DealAssigned, envelopes);
  }

  @OnEventBatch(Subjects.DealStageChanged)
  dealStageChanged(@Payload() envelopes: Envelopes): Promise<void> {
    return this.fanOut.fanOut(Subjects.DealStageChanged, envelopes);
  }

  @OnEventBatch(Subjects.DealWon)
  dealWon(@Payload() envelopes: Envelopes): Promise<void> {
    return this.fanOut.fanOut(Subjects.DealWon, envelopes);
  }

  @OnEventBatch(Subjects.DealLost)
  dealLost(@Payload() envelopes: Envelopes): Promise<void> {
    return this.fanOut.fanOut(Subjects.DealLost, envelopes);
  }

  @OnEventBatch(Subjects.DealReopened)
  dealReopened(@Payload() envelopes: Envelopes): Promise<void> {
    return this.fanOut.fanOut(Subjects.DealReopened, envelopes);
  }

  @OnEventBatch(Subjects.DealDeleted)
  dealDeleted(@Payload() envelopes: Envelopes): Promise<void> {
    return this.fanOut.fanOut(Subjects.DealDeleted, envelopes);
  }

  @OnEventBatch(Subjects.TaskCreated)
  taskCreated(@Payload() envelopes: Envelopes): Promise<void> {
    return this.fanOut.fanOut(Subjects.TaskCreated, envelopes);
  }

  @OnEventBatch(Subjects.TaskCompleted)
  taskCompleted(@Payload() envelopes: Envelopes): Promise<void> {
    return this.fanOut.fanOut(Subjects.TaskCompleted, envelopes);
  }
}
