import { randomUUID } from 'node:crypto';
import {
  validatePlain,
  PayloadClasses,
  type MessageEnvelope,
  type PayloadOf,
  type Subject,
} from '@crm/contracts';
import { RequestContext } from '@crm/service-kit';

export interface PublishOptions {
  idempotencyKey?: string | null;
  /** defaults to a new uuid. */
  id?: string;
  /** The message this one answers to (a batch handler's input): its correlation id, and it as the cause. */
  causedBy?: { id: string; correlation_id: string };
}

/**
 * Wraps a payload in the standard envelope, taking correlation and causation from the current context, and
 * checks it against its contract so a producer bug fails where it happens, not in every consumer.
 */
export function createEnvelope<S extends Subject>(
  producer: string,
  subject: S,
  data: PayloadOf[S],
  options: PublishOptions = {},
): MessageEnvelope<PayloadOf[S]> {
  const checked = validatePlain(PayloadClasses[subject], JSON.parse(JSON.stringify(data)));
  if (!checked.ok) {
    throw new Error(
      `Refusing to publish an invalid ${subject}: ${checked.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
    );
  }
  return wrapInEnvelope(producer, subject, data, options);
}

/**
 * The envelope without the contract check, for a producer that built `data` from input it validated against an
 * equivalent contract (the gateway's ingest). Everyone else uses createEnvelope.
 */
export function wrapInEnvelope<S extends Subject>(
  producer: string,
  subject: S,
  data: PayloadOf[S],
  options: PublishOptions = {},
): MessageEnvelope<PayloadOf[S]> {
  const context = options.causedBy
    ? { correlationId: options.causedBy.correlation_id, causationId: options.causedBy.id }
    : RequestContext.current();
  return {
    id: options.id ?? randomUUID(),
    type: subject,
    occurred_at: new Date().toISOString(),
    producer,
    correlation_id: context?.correlationId ?? randomUUID(),
    causation_id: context?.causationId ?? null,
    idempotency_key: options.idempotencyKey ?? null,
    data,
  };
}
