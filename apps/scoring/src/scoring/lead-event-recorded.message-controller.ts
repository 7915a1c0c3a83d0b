import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Subjects, type LeadEventRecordedV1, type MessageEnvelope } from '@crm/contracts';
import { OnEventBatch } from '@crm/messaging';
import { EventScoringService } from './event-scoring.service';

/**
 * Leads recorded events for leads: score them, a batch at a time. The transport validates, dedupes (inbox) and
 * wraps the batch in one transaction; what a message's event publishes belongs to that message's flow.
 */
@Controller()
export class LeadEventRecordedMessageController {
  constructor(private readonly scoring: EventScoringService) {}

  @OnEventBatch(Subjects.LeadEventRecorded)
  async handle(@Payload() envelopes: MessageEnvelope<LeadEventRecordedV1>[]): Promise<void> {
    await this.scoring.scoreRecordedEvents(
      envelopes.map((envelope) => ({
        event: envelope.data,
        causedBy: envelope,
      })),
    );
  }
}
