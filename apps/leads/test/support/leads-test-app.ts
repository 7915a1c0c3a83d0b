import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Pool } from 'pg';
import {
  Consumers,
  Subjects,
  type ErrorBody,
  type IngestEventReceivedV1,
  type LeadScoredV1,
  type MessageEnvelope,
  type QuerySubject,
  type StreamName,
  type Subject,
} from '@crm/contracts';
import { startInProcessService, waitFor, type InProcessService } from '@crm/testing';
import { bootstrap } from '../../src/main';

type NatsConnection = Awaited<ReturnType<typeof connect>>;

export type Reply<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

function durableOf(subject: Subject): string {
  const consumer = Consumers.find((c) => c.service === 'leads' && c.subject === subject);
  if (!consumer) throw new Error(`leads has no consumer for ${subject}`);
  return consumer.durable;
}

/**
 * The real leads service in-process, on a fresh database and a private NATS namespace. Tests talk to it the
 * way the other services do: JetStream publishes to its streams, core-NATS requests for queries/commands.
 */
export class LeadsTestApp {
  private service?: InProcessService<NestFastifyApplication>;
  private pool!: Pool;
  private nc!: NatsConnection;
  private js!: JetStreamClient;
  private jsm!: JetStreamManager;

  /** The Nest application, to resolve a provider the test drives directly. */
  get nest(): NestFastifyApplication {
    if (!this.service) throw new Error('LeadsTestApp not started');
    return this.service.app;
  }

  async start(): Promise<this> {
    this.service = await startInProcessService({
      name: 'leads',
      dbPrefix: 'leads_it',
      portEnv: 'LEADS_PORT',
      natsUrl: NATS_URL,
      bootstrap,
    });
    // Owned by the test database: dropping it ends this pool first.
    this.pool = this.service.db.pool({ max: 4 });
    this.nc = await connect({ servers: NATS_URL });
    this.js = jetstream(this.nc);
    this.jsm = await jetstreamManager(this.nc);
    return this;
  }

  /** The NATS namespace of this run; available once `start()` resolved. */
  get namespace(): string {
    return this.service!.namespace;
  }

  /** The name of this run's database; available once `start()` resolved. */
  get databaseName(): string {
    return this.service!.db.name;
  }

  /**
   * Closes the service (and its pool) and this side's NATS link, then drops the database, which ends `pool` before
   * it terminates anything. Every step runs; the first failure is reported.
   */
  async stop(): Promise<void> {
    await this.service?.stop(async () => {
      await this.nc?.close();
    });
  }

  /** An ingest event as the gateway publishes it; `overrides` replace top-level fields. */
  ingestEvent(overrides: Partial<IngestEventReceivedV1> = {}): IngestEventReceivedV1 {
    return {
      event_id: randomUUID(),
      producer_event_id: null,
      event_type: 'page_visited',
      event_category: null,
      source: 'website',
      occurred_at: new Date().toISOString(),
      received_at: new Date().toISOString(),
      lead_identifier: { email: `lead-${randomUUID()}@example-lab.com` },
      metadata: {},
      campaign_id: null,
      utm_source: null,
      utm_medium: null,
      utm_campaign: null,
      ...overrides,
    };
  }

  envelope<T>(subject: Subject, data: T, producer: string): MessageEnvelope<T> {
    return {
      id: randomUUID(),
      type: subject,
      occurred_at: new Date().toISOString(),
      producer,
      correlation_id: randomUUID(),
      causation_id: null,
      idempotency_key: null,
      data,
    };
  }

  /** Publishes to the namespaced INGEST stream (Nats-Msg-Id = envelope id); resolves once leads handled it. */
  async ingest(data: IngestEventReceivedV1): Promise<MessageEnvelope<IngestEventReceivedV1>> {
    const envelope = await this.publishIngest(data);
    await this.waitHandled(Subjects.IngestEventReceived, envelope.id);
    return envelope;
  }

  async publishIngest(data: IngestEventReceivedV1): Promise<MessageEnvelope<IngestEventReceivedV1>> {
    const envelope = this.envelope(Subjects.IngestEventReceived, data, 'gateway');
    await this.js.publish(this.subject(Subjects.IngestEventReceived), JSON.stringify(envelope), {
      msgID: envelope.id,
    });
    return envelope;
  }

  /** Publishes a score as scoring would; resolves once leads handled it. */
  async score(data: LeadScoredV1): Promise<void> {
    const envelope = this.envelope(Subjects.LeadScored, data, 'scoring');
    await this.js.publish(this.subject(Subjects.LeadScored), JSON.stringify(envelope), {
      msgID: envelope.id,
    });
    await this.waitHandled(Subjects.LeadScored, envelope.id);
  }

  /** Publishes a score as scoring would, without waiting for leads to handle it. */
  async publishScore(data: LeadScoredV1): Promise<MessageEnvelope<LeadScoredV1>> {
    const envelope = this.envelope(Subjects.LeadScored, data, 'scoring');
    await this.js.publish(this.subject(Subjects.LeadScored), JSON.stringify(envelope), {
      msgID: envelope.id,
    });
    return envelope;
  }

  /**
   * Publishes an envelope exactly as given to its namespaced stream, under a fresh `Nats-Msg-Id`: a redelivery
   * of a message already handled, which the stream's dedupe window does not drop.
   */
  async redeliver(subject: Subject, envelope: MessageEnvelope<unknown>): Promise<void> {
    await this.js.publish(this.subject(subject), JSON.stringify(envelope), { msgID: randomUUID() });
  }

  /** Resolves once leads has handled (committed or skipped) every one of the messages. */
  async waitAllHandled(subject: Subject, messageIds: string[], timeoutMs = 60_000): Promise<void> {
    await waitFor(
      async () => {
        const [{ n }] = await this.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM leads.processed_message
            WHERE consumer = $1 AND message_id = ANY($2::uuid[])`,
          [durableOf(subject), messageIds],
        );
        return n === new Set(messageIds).size;
      },
      { timeoutMs, intervalMs: 50, message: `leads handled ${messageIds.length} ${subject} messages` },
    );
  }

  /** The inbox row is written in the handler's transaction: once it is visible, the handling has committed. */
  async waitHandled(subject: Subject, messageId: string, timeoutMs = 15_000): Promise<void> {
    await waitFor(
      async () => {
        const { rowCount } = await this.pool.query(
          'SELECT 1 FROM leads.processed_message WHERE consumer = $1 AND message_id = $2',
          [durableOf(subject), messageId],
        );
        return rowCount === 1;
      },
      { timeoutMs, intervalMs: 25, message: `leads handled ${subject} ${messageId}` },
    );
  }

  async request<T>(subject: QuerySubject, body: unknown): Promise<Reply<T>> {
    const reply = await this.nc.request(this.subject(subject), JSON.stringify(body), { timeout: 10_000 });
    return reply.json<Reply<T>>();
  }

  /** Like `request`, but fails the test unless the reply is ok. */
  async call<T>(subject: QuerySubject, body: unknown): Promise<T> {
    const reply = await this.request<T>(subject, body);
    if (!reply.ok) throw new Error(`${subject} failed: ${JSON.stringify(reply.error)}`);
    return reply.data;
  }

  /** Every message of `subject` on the namespaced stream, in stream order. */
  async streamMessages<T>(stream: StreamName, subject: Subject): Promise<MessageEnvelope<T>[]> {
    const name = `${this.namespace.toUpperCase()}_${stream}`;
    const info = await this.jsm.streams.info(name);
    const messages: MessageEnvelope<T>[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const message = await this.jsm.streams.getMessage(name, { seq }).catch(() => null);
      if (message && message.subject === this.subject(subject))
        messages.push(message.json<MessageEnvelope<T>>());
    }
    return messages;
  }

  /** Waits until the outbox relay has published everything committed so far. */
  async outboxDrained(): Promise<void> {
    await waitFor(
      async () => {
        const { rows } = await this.pool.query<{ n: string }>(
          'SELECT count(*) AS n FROM leads.outbox_message WHERE published_at IS NULL',
        );
        return Number(rows[0].n) === 0;
      },
      { timeoutMs: 15_000, intervalMs: 25, message: 'outbox drained' },
    );
  }

  async sql<R extends object = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<R[]> {
    return (await this.pool.query<R>(text, params)).rows;
  }

  private subject(subject: string): string {
    return `${this.namespace}.${subject}`;
  }
}
