import { randomUUID } from 'node:crypto';
import {
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamClient,
  type PubAck,
} from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import {
  Consumers,
  Subjects,
  type LeadEventRecordedV1,
  type LeadScoredV1,
  type MessageEnvelope,
} from '@crm/contracts';
import { startInProcessService, waitFor, type InProcessService } from '@crm/testing';
import { bootstrap } from '../../src/main';

type NatsConnection = Awaited<ReturnType<typeof connect>>;

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const SCORING_CONSUMER = Consumers.find(
  (c) => c.service === 'scoring' && c.subject === Subjects.LeadEventRecorded,
)!;

export interface LedgerRow {
  lead_id: string;
  event_id: string | null;
  rule_slug: string;
  rule_version: number;
  category: string;
  points: number;
  occurred_at: Date;
  expires_at: Date | null;
  expired: boolean;
  expired_at: Date | null;
  reason: string;
}

export interface LeadScoreRow {
  demographic: number;
  engagement: number;
  behavior: number;
  total: number;
  tier: string;
  version: number;
}

/**
 * Runs the real scoring service in-process against a fresh database and a private NATS namespace, publishes
 * `leads.lead.event_recorded.v1` envelopes the way leads' outbox relay does, and records every
 * `scoring.lead.scored.v1` that reaches the SCORING stream.
 */
export class ScoringTestHarness {
  readonly scored: MessageEnvelope<LeadScoredV1>[] = [];
  private service?: InProcessService<NestFastifyApplication>;
  private pool!: Pool;
  private nc!: NatsConnection;
  private js!: JetStreamClient;
  private scoredFeed?: ConsumerMessages;

  async start(): Promise<void> {
    this.service = await startInProcessService({
      name: 'scoring',
      dbPrefix: 'scoring_it',
      portEnv: 'SCORING_PORT',
      natsUrl: NATS_URL,
      bootstrap,
    });
    // Owned by the test database: dropping it ends this pool first.
    this.pool = this.service.db.pool({ max: 4 });
    this.nc = await connect({ servers: NATS_URL });
    this.js = jetstream(this.nc);
    await this.followScoredStream();
  }

  private get namespace(): string {
    return this.service!.namespace;
  }

  /**
   * Closes the service (and its pool), then this side's feed and NATS link, then drops the database, which ends
   * `pool` before it terminates anything. Every step runs; the first failure is reported.
   */
  async stop(): Promise<void> {
    await this.service?.stop(async () => {
      try {
        await this.scoredFeed?.close();
      } finally {
        await this.nc?.close();
      }
    });
  }

  /** An envelope as leads would publish it. */
  envelope(data: LeadEventRecordedV1): MessageEnvelope<LeadEventRecordedV1> {
    return {
      id: randomUUID(),
      type: Subjects.LeadEventRecorded,
      occurred_at: new Date().toISOString(),
      producer: 'leads',
      correlation_id: randomUUID(),
      causation_id: null,
      idempotency_key: null,
      data,
    };
  }

  /** Publishes with `Nats-Msg-Id` = envelope id unless `withMsgId` is false (to get past the stream's dedupe). */
  publish(envelope: MessageEnvelope<LeadEventRecordedV1>, withMsgId = true): Promise<PubAck> {
    return this.js.publish(
      `${this.namespace}.${Subjects.LeadEventRecorded}`,
      JSON.stringify(envelope),
      withMsgId ? { msgID: envelope.id } : undefined,
    );
  }

  /** Publishes one event and waits until scoring committed it. */
  async record(data: LeadEventRecordedV1): Promise<MessageEnvelope<LeadEventRecordedV1>> {
    const envelope = this.envelope(data);
    await this.publish(envelope);
    await this.waitProcessed([envelope.id]);
    return envelope;
  }

  /** Waits until the consumer committed (inbox row) every one of these envelope ids. */
  async waitProcessed(ids: string[], timeoutMs = 30_000): Promise<void> {
    await waitFor(
      async () => {
        const { rows } = await this.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM scoring.processed_message WHERE consumer = $1 AND message_id = ANY($2)`,
          [SCORING_CONSUMER.durable, ids],
        );
        return rows[0].n === ids.length;
      },
      { timeoutMs, message: `scoring processed ${ids.length} message(s)` },
    );
  }

  /** Waits until the scoring consumer acked everything up to this stream sequence (handled or skipped). */
  async waitAcked(streamSequence: number): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await waitFor(
      async () => {
        const info = await jsm.consumers.info(
          `${this.namespace.toUpperCase()}_LEADS`,
          SCORING_CONSUMER.durable,
        );
        return info.ack_floor.stream_seq >= streamSequence && info.num_ack_pending === 0;
      },
      { message: `scoring acked stream sequence ${streamSequence}` },
    );
  }

  scoredFor(leadId: string): LeadScoredV1[] {
    return this.scored.map((e) => e.data).filter((d) => d.lead_id === leadId);
  }

  async waitScored(leadId: string, count: number, timeoutMs = 15_000): Promise<LeadScoredV1[]> {
    return waitFor(async () => this.scoredFor(leadId).length >= count && this.scoredFor(leadId), {
      timeoutMs,
      message: `${count} lead.scored message(s) for ${leadId}`,
    });
  }

  /** Waits until at least `count` lead.scored messages (of any lead) reached the SCORING stream. */
  async waitScoredCount(count: number, timeoutMs = 15_000): Promise<void> {
    await waitFor(async () => this.scored.length >= count, {
      timeoutMs,
      message: `${count} lead.scored message(s) in all`,
    });
  }

  async ledger(leadId: string): Promise<LedgerRow[]> {
    const { rows } = await this.pool.query<LedgerRow>(
      `SELECT lead_id, event_id, rule_slug, rule_version, category, points, occurred_at, expires_at, expired,
              expired_at, reason
         FROM scoring.score_ledger WHERE lead_id = $1 ORDER BY occurred_at, rule_slug`,
      [leadId],
    );
    return rows;
  }

  async leadScore(leadId: string): Promise<LeadScoreRow | undefined> {
    const { rows } = await this.pool.query<LeadScoreRow>(
      `SELECT demographic, engagement, behavior, total, tier, version FROM scoring.lead_scores WHERE lead_id = $1`,
      [leadId],
    );
    return rows[0];
  }

  /** Counts from now on every SQL statement the service sends (TypeORM logs each one, logging on or off). */
  countStatements(): StatementCounter {
    const dataSource = this.service!.app.get(DataSource);
    const counter = new StatementCounter();
    const logger = dataSource.logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, queryRunner) => {
      counter.record(query);
      return logQuery(query, parameters, queryRunner);
    };
    return counter;
  }

  query<R extends object>(sql: string, params: unknown[] = []): Promise<R[]> {
    return this.pool.query<R>(sql, params).then((r) => r.rows);
  }

  private async followScoredStream(): Promise<void> {
    const consumer = await this.js.consumers.get(`${this.namespace.toUpperCase()}_SCORING`);
    this.scoredFeed = await consumer.consume();
    void (async () => {
      for await (const message of this.scoredFeed!) {
        this.scored.push(message.json<MessageEnvelope<LeadScoredV1>>());
      }
    })();
  }
}

/** Statements seen by `countStatements`, by kind (first keyword, plus the table for writes). */
export class StatementCounter {
  total = 0;
  readonly byKind = new Map<string, number>();

  record(sql: string): void {
    this.total++;
    const kind = statementKind(sql);
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
  }

  get transactions(): number {
    return this.byKind.get('START TRANSACTION') ?? 0;
  }
}

function statementKind(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim();
  if (/^START TRANSACTION/i.test(text)) return 'START TRANSACTION';
  const tables = [...text.matchAll(/(?:INTO|UPDATE|FROM|JOIN)\s+"?(?:\w+"?\."?)?(\w+)/gi)].map((m) => m[1]);
  const table = tables.find((name) => !/^(unnest|lifetime|windows|event_rules)$/i.test(name));
  const verb =
    /^(WITH|SELECT|INSERT|UPDATE|DELETE|COMMIT|ROLLBACK)/i.exec(text)?.[1]?.toUpperCase() ??
    text.slice(0, 20);
  return table ? `${verb} ${table}` : verb;
}

/** A recorded page visit (or other event) of `leadId`, `minutesAgo` before now by event time. */
export function recordedEvent(
  leadId: string,
  overrides: Partial<LeadEventRecordedV1> & { minutesAgo?: number } = {},
): LeadEventRecordedV1 {
  const { minutesAgo = 1, ...rest } = overrides;
  return {
    event_id: randomUUID(),
    lead_id: leadId,
    lead_created: false,
    event_type: 'page_visited',
    event_category: null,
    source: 'website',
    occurred_at: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    metadata: {},
    campaign_id: null,
    ...rest,
  };
}
