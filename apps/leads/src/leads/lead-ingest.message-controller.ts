import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Subjects, type IngestEventReceivedV1, type MessageEnvelope } from '@crm/contracts';
import { OnEventBatch } from '@crm/messaging';
import { LeadIngestService } from './lead-ingest.service';

/** Durable consumer of accepted producer events, in batches; the transport has validated the payloads. */
@Controller()
export class LeadIngestMessageController {
  constructor(private readonly ingest: LeadIngestService) {}

  @OnEventBatch(Subjects.IngestEventReceived)
  async onIngestEvents(@Payload() envelopes: MessageEnvelope<IngestEventReceivedV1>[]): Promise<void> {
    await this.ingest.recordIngestEvents({ envelopes });
  }
}
