import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Subjects, type LeadProfileChangedV1, type MessageEnvelope } from '@crm/contracts';
import { OnEventBatch } from '@crm/messaging';
import { FitScoringService } from './fit-scoring.service';

/** Leads announced new or changed fit profiles: apply and withdraw fit rules, a batch at a time. */
@Controller()
export class LeadProfileChangedMessageController {
  constructor(private readonly fitScoring: FitScoringService) {}

  @OnEventBatch(Subjects.LeadProfileChanged)
  async handle(@Payload() envelopes: MessageEnvelope<LeadProfileChangedV1>[]): Promise<void> {
    await this.fitScoring.scoreProfiles(
      envelopes.map((envelope) => ({ change: envelope.data, causedBy: envelope })),
    );
  }
}
