import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  Subjects,
  type IngestEventReceivedV1,
  type LeadScoredV1,
  type MessageEnvelope,
} from '@crm/contracts';
import { MessageContext, OnEvent } from '@crm/messaging';
import { LeadIngestService } from './lead-ingest.service';
import { LeadScoreService } from './lead-score.service';

/** Durable consumers: producer events in, scores in. The transport has validated the payloads. */
@Controller()
export class LeadEventsMessageController {
  constructor(
    private readonly ingest: LeadIngestService,
    private readonly scores: LeadScoreService,
  ) {}

  @OnEvent(Subjects.IngestEventReceived)
  async onIngestEvent(
    @Payload() envelope: MessageEnvelope<IngestEventReceivedV1>,
    @Ctx() _ctx: MessageContext,
  ): Promise<void> {
    await this.ingest.recordIngestEvent({ event: envelope.data, correlationId: envelope.correlation_id });
  }

  @OnEvent(Subjects.LeadScored)
  async onLeadScored(
    @Payload() envelope: MessageEnvelope<LeadScoredV1>,
    @Ctx() _ctx: MessageContext,
  ): Promise<void> {
    await this.scores.applyScore(envelope.data);
  }
}
