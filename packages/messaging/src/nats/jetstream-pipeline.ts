import { Injectable } from '@nestjs/common';
import { JetStreamApiError, JetStreamError, PubHeaders, type ApiError } from '@nats-io/jetstream';
import {
  createInbox,
  headers as natsHeaders,
  NoRespondersError,
  TimeoutError,
  type MsgHdrs,
  type Msg,
} from '@nats-io/nats-core';
import { NatsClient } from './nats-client';

/** JetStream's answer for one stored message. */
export interface StoredAck {
  stream: string;
  seq: number;
  duplicate: boolean;
}

export interface PipelinedPublishOptions {
  /** JetStream's deduplication id (`Nats-Msg-Id`). */
  msgId: string;
  /** Complete headers; when given they must carry `Nats-Msg-Id` already. */
  headers?: MsgHdrs;
  timeoutMs?: number;
}

interface AwaitedAck {
  deadline: number;
  resolve(ack: StoredAck): void;
  reject(error: unknown): void;
}

interface QueuedPublish {
  subject: string;
  payload: string;
  headers: MsgHdrs;
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
 * JetStream publishing that resolves once the server stored the message, without waiting for other publishes:
 * like the Go client's PublishAsync (nats.js 3 has none). Used by everything that publishes many messages at
 * once (the gateway's ingest, every outbox relay).
 * - every publish requested while the event loop handles one round of I/O goes out in a single socket write at
 *   the next `setImmediate`;
 * - acks come back on one wildcard inbox and settle their publish by token, with one timeout sweep for all;
 *   `js.publish` is a request per message, with a timer and three Error objects (stack traces) each, which
 *   was the largest single cost of a relay.
 * Failures are the client's own error types (TimeoutError, NoRespondersError, JetStreamApiError), so callers
 * classify them as they would a `js.publish` failure.
 */
@Injectable()
export class JetStreamPipeline {
  private queued: QueuedPublish[] = [];
  private sendScheduled = false;
  private ackInbox?: string;
  private nextAckToken = 0;
  private readonly awaitedAcks = new Map<string, AwaitedAck>();
  private timeoutSweep?: NodeJS.Timeout;

  constructor(private readonly nats: NatsClient) {}

  /** `subject` is the full subject on the wire (namespaced). */
  publish(subject: string, payload: string, options: PipelinedPublishOptions): Promise<StoredAck> {
    return new Promise<StoredAck>((resolve, reject) => {
      this.queued.push({
        subject,
        payload,
        headers: options.headers ?? jetStreamHeaders(options.msgId),
        ack: { deadline: Date.now() + (options.timeoutMs ?? DEFAULT_ACK_TIMEOUT_MS), resolve, reject },
      });
      if (!this.sendScheduled) {
        this.sendScheduled = true;
        setImmediate(() => this.sendQueued());
      }
    });
  }

  /** Publishes everything queued; nats.js buffers the messages and flushes them in one write. */
  private sendQueued(): void {
    const batch = this.queued;
    this.queued = [];
    this.sendScheduled = false;
    for (const message of batch) {
      try {
        const token = String(this.nextAckToken++);
        this.nats.nc.publish(message.subject, message.payload, {
          reply: `${this.ackInboxPrefix()}.${token}`,
          headers: message.headers,
        });
        this.awaitAck(token, message.ack);
      } catch (error) {
        // e.g. the connection is closed: this message fails, the rest of the batch is still sent.
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
}

/** The headers of every JetStream publish here: the dedupe id and the JSON content type. */
export function jetStreamHeaders(msgId: string): MsgHdrs {
  const headers = natsHeaders();
  headers.set(PubHeaders.MsgIdHdr, msgId);
  headers.set('Content-Type', 'application/json');
  return headers;
}
