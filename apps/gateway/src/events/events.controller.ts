import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { IngestEventBatchRequest, IngestEventRequest } from '@crm/contracts';
import { CurrentPrincipal, RequiresScope } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { CurrentRequestIds } from '../http/current-request-ids';
import type { RequestIds } from '../http/request-ids';
import { BatchIngestService, type BatchIngestResult } from './batch-ingest.service';
import { IngestService, type IngestAccepted } from './ingest.service';
import { NoIdempotencyReplay } from '../idempotency/idempotency.decorators';
import { ContractBody } from '../openapi/contract-schema.decorators';
import { ApiResponse } from '@nestjs/swagger';

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
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentRequestIds() ids: RequestIds,
    @Res({ passthrough: true }) reply: ReplyLike,
  ): Promise<IngestAccepted> {
    const outcome = await this.ingestService.ingest(principal, {
      body,
      idempotencyKey,
      correlationIdFromClient: ids.correlationIdFromClient,
    });
    reply.status(outcome.status).header('X-Correlation-ID', outcome.correlationId);
    return outcome.body;
  }

  @Post('ingest/batch')
  @NoIdempotencyReplay()
  @HttpCode(200)
  @RequiresScope('events:write')
  @ContractBody(IngestEventBatchRequest)
  ingestBatch(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentRequestIds() ids: RequestIds,
  ): Promise<BatchIngestResult> {
    return this.batchIngestService.ingestBatch(principal, {
      body,
      idempotencyKey,
      correlationIdFromClient: ids.correlationIdFromClient,
    });
  }
}
