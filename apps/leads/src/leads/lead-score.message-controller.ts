import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Subjects, type LeadScoredV1, type MessageEnvelope } from '@crm/contracts';
import { OnEventBatch } from '@crm/messaging';
import { LeadScoreService } from './lead-score.service';

/** Durable consumer of scoring's scores, in batches; the transport has validated the payloads. */
@Controller()
export class LeadScoreMessageController {
  constructor(private readonly scores: LeadScoreService) {}

  @OnEventBatch(Subjects.LeadScored)
  async onLeadScores(@Payload() envelopes: MessageEnvelope<LeadScoredV1>[]): Promise<void> {
    await this.scores.applyScores({ scores: envelopes.map((envelope) => envelope.data) });
  }
}
