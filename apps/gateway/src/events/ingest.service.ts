import { Injectable } from '@nestjs/common';
import {
  fastAcceptIngestEvent,
  IngestEventRequest,
  Subjects,
  type IngestEventReceivedV1,
} from '@crm/contracts';
import { JetStreamPublisher } from '@crm/messaging';
import { AppLogger, RequestContext } from '@crm/service-kit';
import { mayUseSource, type Principal } from '../auth/principal';
import { GatewayErrors } from '../http/gateway-errors';
import { validateInput } from '../http/validation';
import { deriveEventId } from './event-id';
import { checkedIdempotencyKey } from './idempotency-key';
import { toIngestPayload } from './ingest-payload';

export interface IngestInput {
  body: unknown;
  /** The `Idempotency-Key` header, the dedupe key when the body has no `event_id`. */
  idempotencyKey?: string;
  /** Signed ingest: the Standard Webhooks `webhook-id`, the dedupe key before `Idempotency-Key` (api.md §4.2). */
  webhookId?: string;
  /** Whether X-Correlation-ID named the flow; otherwise the body's `correlation_id` may. */
  correlationIdFromClient: boolean;
}

export interface IngestAccepted {
  success: true;
  event_id: string;
  message: string;
  queued_at: string;
  duplicate?: true;
}

export interface IngestOutcome {
  status: 200 | 202;
  body: IngestAccepted;
  correlationId: string;
}

/** One event made durable on INGEST, or recognised as a repeat of one already there. */
export interface DurableEvent {
  duplicate: boolean;
  /** The producer's `event_id`, else the uuid the gateway derived or generated. */
  eventId: string;
  /** When INGEST first accepted the event (for a duplicate: the original's `received_at`). */
  queuedAt: string;
}

/**
 * `POST /events/ingest` (api.md §4.1) and signed `POST /events/webhook` (§4.2): validate, make durable on INGEST,
 * answer only after the JetStream ack.
 */
@Injectable()
export class IngestService {
  private readonly log: ReturnType<AppLogger['child']>;

  constructor(
    private readonly publisher: JetStreamPublisher,
    logger: AppLogger,
  ) {
    this.log = logger.child('ingest');
  }

  async ingest(principal: Principal, input: IngestInput): Promise<IngestOutcome> {
    const request = fastAcceptIngestEvent(input.body) ?? validateInput(IngestEventRequest, input.body);
    const idempotencyKey = checkedIdempotencyKey(input.idempotencyKey);
    const correlationId = this.correlationIdOf(request, input.correlationIdFromClient);
    const event = await this.makeDurable(principal, request, {
      dedupeKey: input.webhookId ?? idempotencyKey,
      correlationId,
    });

    const body: IngestAccepted = event.duplicate
      ? {
          success: true,
          event_id: event.eventId,
          duplicate: true,
          message: 'Duplicate event ignored',
          queued_at: event.queuedAt,
        }
      : {
          success: true,
          event_id: event.eventId,
          message: 'Event queued for processing',
          queued_at: event.queuedAt,
        };
    return { status: event.duplicate ? 200 : 202, correlationId, body };
  }

  /**
   * Publishes one validated event under its dedupe id and resolves after JetStream's ack. Throws 403
   * SOURCE_NOT_ALLOWED for a source the principal may not use, 503 when the event could not be made durable.
   */
  async makeDurable(
    principal: Principal,
    request: IngestEventRequest,
    options: { dedupeKey?: string; correlationId: string },
  ): Promise<DurableEvent> {
    if (!mayUseSource(principal, request.source)) throw GatewayErrors.sourceNotAllowed(request.source);

    const { uuid } = deriveEventId(request.source, request.event_id, options.dedupeKey);
    const payload = toIngestPayload(request, uuid, principal);
    const eventId = request.event_id ?? uuid;
    const context = RequestContext.current();
    const ack = await RequestContext.run({ ...context, correlationId: options.correlationId }, () =>
      this.publishDurable(payload),
    );
    if (!ack.duplicate) return { duplicate: false, eventId, queuedAt: payload.received_at };
    const queuedAt = (await this.firstAcceptedAt(ack.stream, ack.seq)) ?? payload.received_at;
    return { duplicate: true, eventId, queuedAt };
  }

  /** X-Correlation-ID if the client named one, else the body's `correlation_id`, else the request's. */
  correlationIdOf(request: IngestEventRequest, correlationIdFromClient: boolean): string {
    if (!correlationIdFromClient && request.correlation_id) return request.correlation_id;
    return RequestContext.current()?.correlationId ?? RequestContext.correlationId();
  }

  /** Publishes one INGEST message under its dedupe id; 503 when JetStream did not acknowledge it. */
  async publishDurable(payload: IngestEventReceivedV1) {
    try {
      return await this.publisher.publish(Subjects.IngestEventReceived, payload, {
        msgId: `${payload.source}:${payload.event_id}`,
        payloadValidated: true,
      });
    } catch (error) {
      this.log.warn({ err: error, event_id: payload.event_id }, 'ingest publish failed');
      throw GatewayErrors.serviceUnavailable(
        'The event could not be made durable; retry with the same event_id',
      );
    }
  }

  /** A duplicate's `queued_at` is the first acceptance: the `received_at` of the message JetStream kept. */
  private async firstAcceptedAt(stream: string, seq: number): Promise<string | undefined> {
    try {
      const original = await this.publisher.getEnvelope<IngestEventReceivedV1>(stream, seq);
      return original?.data.received_at;
    } catch (error) {
      this.log.warn({ err: error, stream, seq }, 'could not read the original of a duplicate event');
      return undefined;
    }
  }
}
