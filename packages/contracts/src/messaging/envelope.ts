import { Type } from 'class-transformer';
import { IsDefined, IsISO8601, IsObject, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
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

class EnvelopeShape {
  @IsUUID() id: string;
  @IsString() @MaxLength(200) type: string;
  @IsISO8601({ strict: true }) occurred_at: string;
  @IsString() @MaxLength(100) producer: string;
  @IsString() @MaxLength(128) correlation_id: string;
  @IsOptional() @IsString() @MaxLength(128) causation_id: string | null;
  @IsOptional() @IsString() @MaxLength(255) idempotency_key: string | null;
  @IsDefined() @IsObject() data: Record<string, unknown>;
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
  const envelope = validatePlain(EnvelopeShape, plain);
  if (!envelope.ok) throw new InvalidMessageError('Invalid envelope', envelope.issues);
  const data = validatePlain(payloadClass, envelope.value.data);
  if (!data.ok) {
    throw new InvalidMessageError(
      `Invalid ${envelope.value.type} payload`,
      data.issues.map((i) => ({ ...i, path: i.path ? `data.${i.path}` : 'data' })),
    );
  }
  return { ...(plain as MessageEnvelope<unknown>), data: data.value };
}

export { Type as NestedType };
