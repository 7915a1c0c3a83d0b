import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { IngestEventBatchRequest, IngestEventRequest } from '@crm/contracts';
import { CurrentPrincipal, RequiresScope, SignedRequest } from '../auth/auth.decorators';
import type { Principal, SignedPrincipal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { NoIdempotencyReplay } from '../idempotency/idempotency.decorators';
import { BatchIngestService, type BatchIngestResult } from './batch-ingest.service';
import { IngestRequestInput } from './ingest-request-input';
import { IngestService, type IngestAccepted, type IngestInput, type IngestOutcome } from './ingest.service';
import { ContractBody } from '../openapi/contract-schema.decorators';

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
}

@Controller(`${API_PREFIX}/events`)
export class EventsController {
  constructor(
    private readonly ingestService: IngestService,
    private readonly batchIngestService: BatchIngestService,
  ) {}

  @Post('ingest')
  @NoIdempotencyReplay()
  @RequiresScope('events:write')
  @ContractBody(IngestEventRequest)
  @ApiResponse({ status: 202, description: 'Event queued for processing' })
  @ApiResponse({ status: 200, description: 'Duplicate event ignored' })
  async ingest(
    @CurrentPrincipal() principal: Principal,
    @IngestRequestInput() input: IngestInput,
    @Res({ passthrough: true }) reply: ReplyLike,
  ): Promise<IngestAccepted> {
    return answer(await this.ingestService.ingest(principal, input), reply);
  }

  /** api.md §4.2: §4.1 for producers that sign instead of holding a key; `webhook-id` dedupes too. */
  @Post('webhook')
  @NoIdempotencyReplay()
  @SignedRequest()
  @ContractBody(IngestEventRequest)
  @ApiResponse({ status: 202, description: 'Event queued for processing' })
  @ApiResponse({ status: 200, description: 'Duplicate event ignored' })
  async webhook(
    @CurrentPrincipal() principal: SignedPrincipal,
    @IngestRequestInput() input: IngestInput,
    @Res({ passthrough: true }) reply: ReplyLike,
  ): Promise<IngestAccepted> {
    const outcome = await this.ingestService.ingest(principal, { ...input, webhookId: principal.webhookId });
    return answer(outcome, reply);
  }

  @Post('ingest/batch')
  @NoIdempotencyReplay()
  @HttpCode(200)
  @RequiresScope('events:write')
  @ContractBody(IngestEventBatchRequest)
  ingestBatch(
    @CurrentPrincipal() principal: Principal,
    @IngestRequestInput() input: IngestInput,
  ): Promise<BatchIngestResult> {
    return this.batchIngestService.ingestBatch(principal, input);
  }
}

/** 202 accepted or 200 duplicate, with the correlation id the event travels under. */
function answer(outcome: IngestOutcome, reply: ReplyLike): IngestAccepted {
  reply.status(outcome.status).header('X-Correlation-ID', outcome.correlationId);
  return outcome.body;
}
