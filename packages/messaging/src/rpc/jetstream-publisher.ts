import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JetStreamApiError, JetStreamError, PubHeaders, type ApiError } from '@nats-io/jetstream';
import {
  createInbox,
  headers as natsHeaders,
  NoRespondersError,
  TimeoutError,
  type Msg,
} from '@nats-io/nats-core';
import type { MessageEnvelope, PayloadOf, Subject } from '@crm/contracts';
import { RequestContext, SERVICE_NAME } from '@crm/service-kit';
import { createEnvelope } from '../envelope-factory';
import { NatsClient } from '../nats/nats-client';

export interface PublishAck {
  duplicate: boolean;
  seq: number;
  stream: string;
  messageId: string;
}

export interface JetStreamPublishOptions {
  msgId: string;
  idempotencyKey?: string;
  timeoutMs?: number;
  /**
   * The caller built `data` field by field from input it validated against an equivalent contract, so the
   * contract check of createEnvelope would only repeat that work (it doubled the gateway's validation cost).
   */
  payloadValidated?: boolean;
}

interface StoredAck {
  stream: string;
  seq: number;
  duplicate: boolean;
}

interface AwaitedAck {
  deadline: number;
  resolve(ack: StoredAck): void;
  reject(error: unknown): void;
}

interface QueuedPublish {
  subject: string;
  body: string;
  msgId: string;
  ack: AwaitedAck;
}

/** The JetStream publish ack: `{stream, seq, duplicate?}`, or `{error}`. */
interface PubAckReply {
  stream?: string;
  seq?: number;
  duplicate?: boolean;
  error?: ApiError;
}

const DEFAULT_ACK_TIMEOUT_MS = 5000;
/** How often overdue acks are failed; a timeout fires at most this much late. */
const ACK_TIMEOUT_SWEEP_MS = 100;

/**
 * Direct publishing for producers without a state change of their own (the gateway's ingest): resolves only
 * once JetStream has stored the message, or reports it as a duplicate of `msgId`.
 *
 * Publishes are asynchronous and pipelined, like the Go client's PublishAsync (nats.js 3 has none):
 * - every publish requested while the event loop handles one round of I/O goes out in a single socket write at
 *   the next `setImmediate`; before, each concurrent HTTP request paid its own write, the largest single cost
 *   of an ingest request;
 * - acks come back on one wildcard inbox and settle their publish by token, with one timeout sweep for all;
 *   `js.publish` is a request per message, with a timer and three Error objects (stack traces) each.
 */
@Injectable()
export class JetStreamPublisher {
  private queued: QueuedPublish[] = [];
  private sendScheduled = false;
  private ackInbox?: string;
  private nextAckToken = 0;
  private readonly awaitedAcks = new Map<string, AwaitedAck>();
  private timeoutSweep?: NodeJS.Timeout;

  constructor(
    private readonly nats: NatsClient,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  async publish<S extends Subject>(
    subject: S,
    data: PayloadOf[S],
    options: JetStreamPublishOptions,
  ): Promise<PublishAck> {
    // Built now, not when sent: the envelope takes the correlation id from the caller's context.
    const envelope = options.payloadValidated
      ? this.envelopeOfValidated(subject, data, options.idempotencyKey)
      : createEnvelope(this.service, subject, data, { idempotencyKey: options.idempotencyKey });
    const stored = await new Promise<StoredAck>((resolve, reject) => {
      this.queued.push({
        subject: this.nats.namespace.subject(subject),
        body: JSON.stringify(envelope),
        msgId: options.msgId,
        ack: { deadline: Date.now() + (options.timeoutMs ?? DEFAULT_ACK_TIMEOUT_MS), resolve, reject },
      });
      if (!this.sendScheduled) {
        this.sendScheduled = true;
        setImmediate(() => this.sendQueued());
      }
    });
    return { ...stored, messageId: envelope.id };
  }

  /** The stored envelope at `seq` of `stream` (the stream name as returned in PublishAck). */
  async getEnvelope<T = unknown>(stream: string, seq: number): Promise<MessageEnvelope<T> | null> {
    const stored = await this.nats.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    return stored ? stored.json<MessageEnvelope<T>>() : null;
  }

  /** Whether a stream is usable (gateway readiness). */
  async streamReady(name: string): Promise<boolean> {
    return this.nats.jsm.streams
      .info(this.nats.namespace.stream(name))
      .then(() => true)
      .catch(() => false);
  }

  /** Publishes everything queued; nats.js buffers the messages and flushes them in one write. */
  private sendQueued(): void {
    const batch = this.queued;
    this.queued = [];
    this.sendScheduled = false;
    for (const message of batch) {
      try {
        const token = String(this.nextAckToken++);
        const h = natsHeaders();
        h.set(PubHeaders.MsgIdHdr, message.msgId);
        h.set('Content-Type', 'application/json');
        this.nats.nc.publish(message.subject, message.body, {
          reply: `${this.ackInboxPrefix()}.${token}`,
          headers: h,
        });
        this.awaitAck(token, message.ack);
      } catch (error) {
        // e.g. not connected: this message fails, the rest of the batch is still sent.
        message.ack.reject(error);
      }
    }
  }

  private ackInboxPrefix(): string {
    if (!this.ackInbox) {
      const inbox = createInbox();
      this.nats.nc.subscribe(`${inbox}.*`, { callback: (_error, msg) => this.settle(msg) });
      this.ackInbox = inbox;
    }
    return this.ackInbox;
  }

  private awaitAck(token: string, ack: AwaitedAck): void {
    this.awaitedAcks.set(token, ack);
    this.timeoutSweep ??= setInterval(() => this.failOverdueAcks(), ACK_TIMEOUT_SWEEP_MS).unref();
  }

  /** Settles the publish an ack (or a no-responders status: no stream takes the subject) belongs to. */
  private settle(msg: Msg): void {
    const token = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
    const ack = this.awaitedAcks.get(token);
    if (!ack) return; // already timed out
    this.awaitedAcks.delete(token);
    try {
      if (msg.data.length === 0 && msg.headers?.code === 503) throw new NoRespondersError(msg.subject);
      const reply = msg.json<PubAckReply>();
      if (reply.error) throw new JetStreamApiError(reply.error);
      if (!reply.stream || typeof reply.seq !== 'number') throw new JetStreamError('invalid ack response');
      ack.resolve({ stream: reply.stream, seq: reply.seq, duplicate: reply.duplicate ?? false });
    } catch (error) {
      ack.reject(error);
    }
  }

  private failOverdueAcks(): void {
    const now = Date.now();
    for (const [token, ack] of this.awaitedAcks) {
      if (ack.deadline > now) continue;
      this.awaitedAcks.delete(token);
      ack.reject(new TimeoutError());
    }
    if (this.awaitedAcks.size === 0 && this.timeoutSweep) {
      clearInterval(this.timeoutSweep);
      this.timeoutSweep = undefined;
    }
  }

  private envelopeOfValidated<S extends Subject>(
    subject: S,
    data: PayloadOf[S],
    idempotencyKey: string | undefined,
  ): MessageEnvelope<PayloadOf[S]> {
    const context = RequestContext.current();
    return {
      id: randomUUID(),
      type: subject,
      occurred_at: new Date().toISOString(),
      producer: this.service,
      correlation_id: context?.correlationId ?? randomUUID(),
      causation_id: context?.causationId ?? null,
      idempotency_key: idempotencyKey ?? null,
      data,
    };
  }
}
