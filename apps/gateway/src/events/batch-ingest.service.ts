import { Injectable } from '@nestjs/common';
import {
  ErrorCode,
  fastAcceptIngestEvent,
  IngestEventBatchRequest,
  IngestEventRequest,
  ValidationFailedError,
  validatePlain,
} from '@crm/contracts';
import { AppLogger } from '@crm/service-kit';
import type { Principal } from '../auth/principal';
import { toErrorEnvelope } from '../http/error-envelope';
import { GatewayErrors } from '../http/gateway-errors';
import { GATEWAY_BODY_LIMIT_BYTES } from '../http/http-limits';
import { validateInput } from '../http/validation';
import { checkedIdempotencyKey } from './idempotency-key';
import { IngestService, type IngestInput } from './ingest.service';

export type BatchItemStatus = 'accepted' | 'duplicate' | 'rejected';

export interface BatchItemError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface BatchItemResult {
  index: number;
  status: BatchItemStatus;
  /** As in single ingest; for a rejected item the `event_id` it was sent with, if any. */
  event_id: string | null;
  /** Accepted and duplicate items: when INGEST first accepted the event. */
  queued_at?: string;
  error?: BatchItemError;
}

export interface BatchIngestResult {
  /** true when no item was rejected. */
  success: boolean;
  accepted: number;
  duplicates: number;
  rejected: number;
  results: BatchItemResult[];
}

/**
 * `POST /events/ingest/batch` (api.md §4.1a): every item is handled as a single ingest would handle
 * it (validation, source rule, dedupe id, durable before the answer), but on its own, so one bad item rejects
 * only itself. All accepted items are published at once and their acks awaited concurrently.
 */
@Injectable()
export class BatchIngestService {
  private readonly log: ReturnType<AppLogger['child']>;

  constructor(
    private readonly ingestService: IngestService,
    logger: AppLogger,
  ) {
    this.log = logger.child('ingest');
  }

  async ingestBatch(principal: Principal, input: IngestInput): Promise<BatchIngestResult> {
    const batch = validateInput(IngestEventBatchRequest, input.body);
    const idempotencyKey = checkedIdempotencyKey(input.idempotencyKey);
    const results = await Promise.all(
      batch.events.map((item, index) =>
        this.ingestItem(principal, item, index, {
          // One header for many events: each item's fallback dedupe key is the header plus its position.
          dedupeKey: idempotencyKey === undefined ? undefined : `${idempotencyKey}:${index}`,
          correlationIdFromClient: input.correlationIdFromClient,
        }),
      ),
    );
    this.failWhenNothingCouldBeMadeDurable(results);

    const count = (status: BatchItemStatus) => results.filter((r) => r.status === status).length;
    const rejected = count('rejected');
    return {
      success: rejected === 0,
      accepted: count('accepted'),
      duplicates: count('duplicate'),
      rejected,
      results,
    };
  }

  private async ingestItem(
    principal: Principal,
    item: unknown,
    index: number,
    options: { dedupeKey?: string; correlationIdFromClient: boolean },
  ): Promise<BatchItemResult> {
    try {
      const request = this.validItem(item, index);
      const event = await this.ingestService.makeDurable(principal, request, {
        dedupeKey: options.dedupeKey,
        correlationId: this.ingestService.correlationIdOf(request, options.correlationIdFromClient),
      });
      return {
        index,
        status: event.duplicate ? 'duplicate' : 'accepted',
        event_id: event.eventId,
        queued_at: event.queuedAt,
      };
    } catch (error) {
      const envelope = toErrorEnvelope(error, GATEWAY_BODY_LIMIT_BYTES);
      // The exception filter logs what escapes a request; an item's failure is answered here instead.
      if (envelope.unexpected) this.log.error({ err: error, index }, 'batch ingest item failed unexpectedly');
      return {
        index,
        status: 'rejected',
        event_id: producerEventIdOf(item),
        error: {
          code: envelope.code,
          message: envelope.message,
          ...(envelope.details ? { details: envelope.details } : {}),
        },
      };
    }
  }

  /** An item validated exactly like a single ingest body, its field paths prefixed with `events.<index>`. */
  private validItem(item: unknown, index: number): IngestEventRequest {
    const accepted = fastAcceptIngestEvent(item);
    if (accepted) return accepted;
    const result = validatePlain(IngestEventRequest, item);
    if (result.ok) return result.value;
    const prefix = `events.${index}`;
    throw new ValidationFailedError(
      result.issues.map((issue) => ({ ...issue, path: issue.path ? `${prefix}.${issue.path}` : prefix })),
      `Event ${index} failed validation`,
    );
  }

  /** Like single ingest, a broker that stores nothing is a 503 the producer retries, not a 200 full of errors. */
  private failWhenNothingCouldBeMadeDurable(results: BatchItemResult[]): void {
    const published = results.filter((r) => !r.error || r.error.code === ErrorCode.ServiceUnavailable);
    if (published.length && published.every((r) => r.error)) {
      throw GatewayErrors.serviceUnavailable(
        'No event of the batch could be made durable; retry with the same event_ids',
      );
    }
  }
}

function producerEventIdOf(item: unknown): string | null {
  const eventId = (item as { event_id?: unknown } | null)?.event_id;
  return typeof eventId === 'string' ? eventId : null;
}
