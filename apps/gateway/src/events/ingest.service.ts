import { Injectable } from '@nestjs/common';
import {
  IngestEventRequest,
  Subjects,
  ValidationFailedError,
  type IngestEventReceivedV1,
} from '@crm/contracts';
import { JetStreamPublisher } from '@crm/messaging';
import { AppLogger, RequestContext } from '@crm/service-kit';
import { mayUseSource, type Principal } from '../auth/principal';
import { GatewayErrors } from '../http/gateway-errors';
import { validateInput } from '../http/validation';
import { deriveEventId } from './event-id';

export interface IngestInput {
  body: unknown;
  /** The `Idempotency-Key` header, the dedupe key when the body has no `event_id`. */
  idempotencyKey?: string;
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

const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** `POST /events/ingest` (api.md §4.1): validate, make durable on INGEST, answer only after the JetStream ack. */
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
    const request = validateInput(IngestEventRequest, input.body);
    const idempotencyKey = this.checkIdempotencyKey(input.idempotencyKey);
    if (!mayUseSource(principal, request.source)) throw GatewayErrors.sourceNotAllowed(request.source);

    const { uuid } = deriveEventId(request.source, request.event_id, idempotencyKey);
    const payload = this.toPayload(request, uuid, principal);
    const responseEventId = request.event_id ?? uuid;

    const context = RequestContext.current();
    const correlationId =
      !input.correlationIdFromClient && request.correlation_id
        ? request.correlation_id
        : (context?.correlationId ?? RequestContext.correlationId());
    const ack = await RequestContext.run({ ...context, correlationId }, () => this.publish(payload));

    if (!ack.duplicate) {
      return {
        status: 202,
        correlationId,
        body: {
          success: true,
          event_id: responseEventId,
          message: 'Event queued for processing',
          queued_at: payload.received_at,
        },
      };
    }
    const queuedAt = (await this.firstAcceptedAt(ack.stream, ack.seq)) ?? payload.received_at;
    return {
      status: 200,
      correlationId,
      body: {
        success: true,
        event_id: responseEventId,
        duplicate: true,
        message: 'Duplicate event ignored',
        queued_at: queuedAt,
      },
    };
  }

  private checkIdempotencyKey(value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    if (!IDEMPOTENCY_KEY_PATTERN.test(value)) {
      throw new ValidationFailedError([
        {
          path: 'headers.idempotency-key',
          message: 'Idempotency-Key must be 1-255 printable ASCII characters',
          code: 'idempotencyKey',
        },
      ]);
    }
    return value;
  }

  private toPayload(request: IngestEventRequest, uuid: string, principal: Principal): IngestEventReceivedV1 {
    const identifier = request.lead_identifier;
    return {
      event_id: uuid,
      producer_event_id: request.event_id ?? null,
      event_type: request.event_type,
      event_category: request.event_category ?? null,
      source: request.source,
      occurred_at: toUtcIso(request.occurred_at),
      received_at: new Date().toISOString(),
      lead_identifier: {
        ...(identifier.email !== undefined ? { email: identifier.email } : {}),
        ...(identifier.portal_id !== undefined ? { portal_id: identifier.portal_id } : {}),
        ...(identifier.waalaxy_id !== undefined ? { waalaxy_id: identifier.waalaxy_id } : {}),
        ...(identifier.linkedin_url !== undefined ? { linkedin_url: identifier.linkedin_url } : {}),
        ...(identifier.lemlist_id !== undefined ? { lemlist_id: identifier.lemlist_id } : {}),
      },
      // The server, never the client, names the key's source (api.md §1.2).
      metadata: { ...(request.metadata ?? {}), api_key_source: principal.source },
      campaign_id: request.campaign_id ?? null,
      utm_source: request.utm_source ?? null,
      utm_medium: request.utm_medium ?? null,
      utm_campaign: request.utm_campaign ?? null,
    };
  }

  private async publish(payload: IngestEventReceivedV1) {
    try {
      return await this.publisher.publish(Subjects.IngestEventReceived, payload, {
        msgId: `${payload.source}:${payload.event_id}`,
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

/** Offsets are accepted on input; the CRM writes UTC with milliseconds (api.md §1.1). */
function toUtcIso(value: string): string {
  const date = new Date(value);
  const year = date.getUTCFullYear();
  return year >= 0 && year <= 9999 ? date.toISOString() : value;
}
