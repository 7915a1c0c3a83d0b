import { Injectable } from '@nestjs/common';
import { headers as natsHeaders } from '@nats-io/nats-core';
import type { JsMsg } from '@nats-io/jetstream';
import {
  ByIdQuery,
  DeadLetterQueries,
  NotFoundError,
  ValidationFailedError,
  toPage,
  validatePlain,
  type ConsumerDefinition,
  type MessageEnvelope,
} from '@crm/contracts';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import { NatsClient } from '../nats/nats-client';
import type { DeadLetterEntity, DeadLetterReason } from './dead-letter.entity';
import { DeadLetterRepository } from './dead-letter.repository';

export interface DeadLetterView {
  id: string;
  service: string;
  consumer: string;
  subject: string;
  message_id: string | null;
  type: string | null;
  reason: DeadLetterReason;
  delivery_count: number;
  status: 'dead' | 'requeued';
  first_failed_at: string;
  last_error: string;
  payload_excerpt: string;
  requeue_count: number;
}

/** A message that just became a dead letter, as its consumer's listener sees it. */
export interface DeadLetteredMessage {
  consumer: string;
  subject: string;
  reason: DeadLetterReason;
  /** the error that killed it (already free of payload data). */
  error: string;
  /** the message parsed as JSON but not validated (it may be why it died); null when it is not JSON. */
  envelope: Partial<MessageEnvelope<Record<string, unknown>>> | null;
}

/**
 * Runs in the transaction that records the dead letter, once per message becoming dead: a consumer uses it to
 * announce the failure (e.g. a command's `failed` event through the outbox), so nobody waits for it forever.
 */
export type DeadLetterListener = (letter: DeadLetteredMessage) => Promise<void>;

/** Messages consumers gave up on: recorded with their error, listed, re-published or dropped by an operator. */
@Injectable()
export class DeadLetterService {
  private service = '';
  private readonly listeners = new Map<string, DeadLetterListener[]>();
  private readonly log;

  constructor(
    private readonly tx: TransactionHost,
    private readonly repository: DeadLetterRepository,
    private readonly nats: NatsClient,
    logger: AppLogger,
  ) {
    this.log = logger.child('dead-letters');
  }

  /** Registers a listener for the consumer's messages that become dead letters (call it at module init). */
  onDeadLettered(consumer: string, listener: DeadLetterListener): void {
    this.listeners.set(consumer, [...(this.listeners.get(consumer) ?? []), listener]);
  }

  /**
   * Records the message as dead, in its own transaction (the handler's was rolled back), together with what
   * the consumer's listeners write. Returns false when it was dead already (a redelivery): nothing is written.
   */
  async record(
    definition: ConsumerDefinition,
    message: JsMsg,
    reason: DeadLetterReason,
    error: unknown,
  ): Promise<boolean> {
    const payload = Buffer.from(message.data).toString('utf8');
    let envelope: DeadLetteredMessage['envelope'] = null;
    try {
      const parsed: unknown = JSON.parse(payload);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) envelope = parsed;
    } catch {
      // Not JSON: kept raw.
    }
    const lastError = describe(error);
    return this.tx.transaction(async () => {
      const id = await this.repository.recordOnce({
        consumer: definition.durable,
        subject: definition.subject,
        messageId: typeof envelope?.id === 'string' ? envelope.id : null,
        type: typeof envelope?.type === 'string' ? envelope.type : null,
        reason,
        deliveryCount: message.info.deliveryCount,
        streamSequence: String(message.info.streamSequence),
        lastError,
        payload,
      });
      if (!id) return false;
      for (const listener of this.listeners.get(definition.durable) ?? []) {
        await listener({
          consumer: definition.durable,
          subject: definition.subject,
          reason,
          error: lastError,
          envelope,
        });
      }
      return true;
    });
  }

  async list(query: { page?: unknown; limit?: unknown; status?: unknown; subject?: unknown }) {
    const page = Math.max(1, Number(query.page) || 1);
    const limit = Math.min(100, Math.max(1, Number(query.limit) || 20));
    const status = query.status === 'dead' || query.status === 'requeued' ? query.status : undefined;
    const subject = typeof query.subject === 'string' ? query.subject : undefined;
    const { rows, total } = await this.repository.list({ status, subject }, page, limit);
    return toPage(
      rows.map((row) => this.toView(row)),
      total,
      page,
      limit,
    );
  }

  /**
   * Re-publishes the original message to its subject. The envelope id is kept, so consumers that did process
   * it skip it (inbox); the broker message id is new, so the stream's dedupe window does not drop it.
   */
  async retry(id: string): Promise<{ id: string; status: 'requeued' }> {
    const letter = await this.repository.find(id);
    if (!letter) throw new NotFoundError('DeadLetter', id);
    const h = natsHeaders();
    h.set('Content-Type', 'application/json');
    await this.nats.js.publish(this.nats.namespace.subject(letter.subject), letter.payload, {
      msgID: `${letter.messageId ?? letter.id}:requeue:${letter.requeueCount + 1}`,
      headers: h,
    });
    await this.repository.markRequeued(id);
    this.log.info({ dead_letter_id: id, subject: letter.subject }, 'dead letter requeued');
    return { id, status: 'requeued' };
  }

  async remove(id: string): Promise<void> {
    if (!(await this.repository.delete(id))) throw new NotFoundError('DeadLetter', id);
  }

  /** The operator queries of contracts' DeadLetterQueries for this service; the transport answers them. */
  routes(service: string): [subject: string, handle: (input: unknown) => Promise<unknown>][] {
    this.service = service;
    const byId = (input: unknown) => {
      const checked = validatePlain(ByIdQuery, input);
      if (!checked.ok) throw new ValidationFailedError(checked.issues);
      return checked.value.id;
    };
    return [
      [DeadLetterQueries.list(service), (input) => this.list((input ?? {}) as Record<string, unknown>)],
      [DeadLetterQueries.retry(service), (input) => this.retry(byId(input))],
      [
        DeadLetterQueries.delete(service),
        (input) => this.remove(byId(input)).then(() => ({ deleted: true })),
      ],
    ];
  }

  private toView(row: DeadLetterEntity): DeadLetterView {
    return {
      id: row.id,
      service: this.service,
      consumer: row.consumer,
      subject: row.subject,
      message_id: row.messageId,
      type: row.type,
      reason: row.reason,
      delivery_count: row.deliveryCount,
      status: row.status,
      first_failed_at: row.createdAt.toISOString(),
      last_error: row.lastError,
      payload_excerpt: row.payload.slice(0, 500),
      requeue_count: row.requeueCount,
    };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
    return `${error.name}: ${error.message}${cause}`.slice(0, 4000);
  }
  return String(error).slice(0, 4000);
}
