import { Type } from 'class-transformer';
import { isISO8601, isUUID } from 'class-validator';
import type { ClassConstructor } from 'class-transformer';
import type { ValidationIssue } from '../errors';
import { validatePlain } from '../validation';

/** Every durable message on JetStream travels in this envelope (architecture.md, Messaging). */
export interface MessageEnvelope<T = unknown> {
  /** uuid; also the JetStream `Nats-Msg-Id`, and the inbox key of every consumer. */
  id: string;
  /** the message type: the subject without namespace, e.g. `leads.deal.stage_changed.v1`. */
  type: string;
  occurred_at: string;
  producer: string;
  correlation_id: string;
  causation_id: string | null;
  idempotency_key: string | null;
  data: T;
}

/**
 * The envelope's shape, checked by hand: it is read for every message every consumer receives, and the
 * decorator machinery costs several times more than these few checks (the payload keeps its class).
 */
function envelopeIssues(plain: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const text = (key: string, maxLength: number, optional = false) => {
    const value = plain[key];
    if (optional && (value === null || value === undefined)) return;
    if (typeof value !== 'string')
      issues.push({ path: key, message: `${key} must be a string`, code: 'isString' });
    else if (value.length > maxLength) {
      issues.push({
        path: key,
        message: `${key} must be shorter than or equal to ${maxLength} characters`,
        code: 'maxLength',
      });
    }
  };
  if (typeof plain.id !== 'string' || !isUUID(plain.id)) {
    issues.push({ path: 'id', message: 'id must be a UUID', code: 'isUuid' });
  }
  text('type', 200);
  if (typeof plain.occurred_at !== 'string' || !isISO8601(plain.occurred_at, { strict: true })) {
    issues.push({
      path: 'occurred_at',
      message: 'occurred_at must be a valid ISO 8601 date string',
      code: 'isIso8601',
    });
  }
  text('producer', 100);
  text('correlation_id', 128);
  text('causation_id', 128, true);
  text('idempotency_key', 255, true);
  const data = plain.data;
  if (data === null || data === undefined) {
    issues.push({ path: 'data', message: 'data should not be null or undefined', code: 'isDefined' });
  } else if (typeof data !== 'object' || Array.isArray(data)) {
    issues.push({ path: 'data', message: 'data must be an object', code: 'isObject' });
  }
  return issues;
}

/** A message that can never be processed: wrong shape or invalid payload. Consumers terminate it. */
export class InvalidMessageError extends Error {
  constructor(
    message: string,
    readonly issues: ValidationIssue[],
  ) {
    super(`${message}: ${issues.map((i) => `${i.path || '(root)'} ${i.message}`).join('; ')}`);
    this.name = 'InvalidMessageError';
  }
}

/**
 * Parses raw bytes into an envelope whose `data` is a validated instance of `payloadClass`.
 * Throws InvalidMessageError for anything that is not a well-formed message of that type.
 */
export function parseEnvelope<T extends object>(
  raw: Uint8Array | string,
  payloadClass: ClassConstructor<T>,
): MessageEnvelope<T> {
  let plain: unknown;
  try {
    plain = JSON.parse(typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8'));
  } catch {
    throw new InvalidMessageError('Message is not JSON', [
      { path: '', message: 'invalid JSON', code: 'json' },
    ]);
  }
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new InvalidMessageError('Invalid envelope', [
      { path: '', message: 'must be an object', code: 'isObject' },
    ]);
  }
  const envelopeProblems = envelopeIssues(plain as Record<string, unknown>);
  if (envelopeProblems.length) throw new InvalidMessageError('Invalid envelope', envelopeProblems);
  const envelope = plain as MessageEnvelope<unknown>;
  const data = validatePlain(payloadClass, envelope.data);
  if (!data.ok) {
    throw new InvalidMessageError(
      `Invalid ${envelope.type} payload`,
      data.issues.map((i) => ({ ...i, path: i.path ? `data.${i.path}` : 'data' })),
    );
  }
  return { ...(plain as MessageEnvelope<unknown>), data: data.value };
}

export { Type as NestedType };
