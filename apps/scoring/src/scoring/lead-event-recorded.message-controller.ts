import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Subjects, type LeadEventRecordedV1, type MessageEnvelope } from '@crm/contracts';
import { OnEvent } from '@crm/messaging';
import { EventScoringService } from './event-scoring.service';

/** Leads recorded an event for a lead: score it. The transport validates, dedupes (inbox) and wraps a transaction. */
@Controller()
export class LeadEventRecordedMessageController {
  constructor(private readonly scoring: EventScoringService) {}

  @OnEvent(Subjects.LeadEventRecorded)
  async handle(@Payload() envelope: MessageEnvelope<LeadEventRecordedV1>): Promise<void> {
    await this.scoring.scoreRecordedEvent(envelope.data);
  }
}
