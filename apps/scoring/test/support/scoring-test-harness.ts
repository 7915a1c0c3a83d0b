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
  type ErrorBody,
  type LeadEventRecordedV1,
  type LeadIntentDetectedV1,
  type LeadProfileChangedV1,
  type LeadScoredV1,
  type MessageEnvelope,
} from '@crm/contracts';
import {
  freePort,
  prepareServiceEnvironment,
  setProcessEnv,
  waitFor,
  type ServiceEnvironment,
} from '@crm/testing';
import { bootstrap } from '../../src/main';

type NatsConnection = Awaited<ReturnType<typeof connect>>;

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const SCORING_CONSUMER = Consumers.find(
  (c) => c.service === 'scoring' && c.subject === Subjects.LeadEventRecorded,
)!;
const PROFILE_CONSUMER = Consumers.find(
  (c) => c.service === 'scoring' && c.subject === Subjects.LeadProfileChanged,
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
  /** Every `scoring.lead.intent_detected.v1` on the SCORING stream. */
  readonly intentsDetected: MessageEnvelope<LeadIntentDetectedV1>[] = [];
  private environment?: ServiceEnvironment;
  /** The running scoring instances: all share the database, the namespace and the durable consumer. */
  private readonly instances: NestFastifyApplication[] = [];
  private pool!: Pool;
  private nc!: NatsConnection;
  private js!: JetStreamClient;
  private scoredFeed?: ConsumerMessages;

  async start(): Promise<void> {
    this.environment = await prepareServiceEnvironment({
      name: 'scoring',
      dbPrefix: 'scoring_it',
      portEnv: 'SCORING_PORT',
      natsUrl: NATS_URL,
    });
    try {
      await this.startInstance();
    } catch (error) {
      await this.environment.dispose().catch(() => undefined);
      throw error;
    }
    // Owned by the test database: dropping it ends this pool first.
    this.pool = this.environment.db.pool({ max: 4 });
    this.nc = await connect({ servers: NATS_URL });
    this.js = jetstream(this.nc);
    await this.followScoredStream();
  }

  /** Starts one more scoring instance on the same database and namespace, with a port of its own. */
  async startInstance(): Promise<NestFastifyApplication> {
    const { db, namespace, natsUrl } = this.environment!;
    setProcessEnv({
      DATABASE_URL: db.url,
      NATS_URL: natsUrl,
      NATS_NAMESPACE: namespace,
      SCORING_PORT: String(this.instances.length ? await freePort() : this.environment!.port),
    });
    const app = await bootstrap();
    this.instances.push(app);
    return app;
  }

  /** Stops every instance; published events wait in JetStream until `startInstance`. */
  async stopInstances(): Promise<void> {
    for (const app of this.instances.splice(0)) await app.close();
  }

  private get namespace(): string {
    return this.environment!.namespace;
  }

  /**
   * Closes the instances (and their pools), then this side's feed and NATS link, then drops the database, which
   * ends `pool` before it terminates anything. Every step runs; the first failure is reported.
   */
  async stop(): Promise<void> {
    const failures: unknown[] = [];
    const attempt = async (step: () => Promise<unknown> | undefined) => {
      try {
        await step();
      } catch (error) {
        failures.push(error);
      }
    };
    await attempt(() => this.stopInstances());
    await attempt(() => this.scoredFeed?.close());
    await attempt(() => this.nc?.close());
    await attempt(() => this.environment?.dispose());
    if (failures.length) throw failures[0];
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
  publish(envelope: MessageEnvelope<{ lead_id: string }>, withMsgId = true): Promise<PubAck> {
    return this.js.publish(
      `${this.namespace}.${envelope.type}`,
      JSON.stringify(envelope),
      withMsgId ? { msgID: envelope.id } : undefined,
    );
  }

  /** Publishes a profile change as leads would, and waits until scoring committed it. */
  async recordProfile(data: LeadProfileChangedV1): Promise<MessageEnvelope<LeadProfileChangedV1>> {
    const envelope = { ...this.envelope(data as never), type: Subjects.LeadProfileChanged, data };
    await this.publish(envelope);
    await this.waitProcessed([envelope.id], 30_000, PROFILE_CONSUMER.durable);
    return envelope;
  }

  /** Publishes one event and waits until scoring committed it. */
  async record(data: LeadEventRecordedV1): Promise<MessageEnvelope<LeadEventRecordedV1>> {
    const envelope = this.envelope(data);
    await this.publish(envelope);
    await this.waitProcessed([envelope.id]);
    return envelope;
  }

  /** Waits until the consumer committed (inbox row) every one of these envelope ids. */
  async waitProcessed(ids: string[], timeoutMs = 30_000, consumer = SCORING_CONSUMER.durable): Promise<void> {
    await waitFor(
      async () => {
        const { rows } = await this.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM scoring.processed_message WHERE consumer = $1 AND message_id = ANY($2)`,
          [consumer, ids],
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
    return this.scoredEnvelopesFor(leadId).map((e) => e.data);
  }

  scoredEnvelopesFor(leadId: string): MessageEnvelope<LeadScoredV1>[] {
    return this.scored.filter((e) => e.data.lead_id === leadId);
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

  /** How many ledger rows each rule has for each of these leads: lead → rule slug → rows. */
  async applicationsByRule(leadIds: string[]): Promise<Map<string, Record<string, number>>> {
    const rows = await this.query<{ lead_id: string; rule_slug: string; n: number }>(
      `SELECT lead_id, rule_slug, count(*)::int AS n FROM scoring.score_ledger
        WHERE lead_id = ANY($1) GROUP BY lead_id, rule_slug`,
      [leadIds],
    );
    const byLead = new Map(leadIds.map((leadId) => [leadId, {} as Record<string, number>]));
    for (const row of rows) byLead.get(row.lead_id)![row.rule_slug] = row.n;
    return byLead;
  }

  async leadScore(leadId: string): Promise<LeadScoreRow | undefined> {
    const { rows } = await this.pool.query<LeadScoreRow>(
      `SELECT demographic, engagement, behavior, total, tier, version FROM scoring.lead_scores WHERE lead_id = $1`,
      [leadId],
    );
    return rows[0];
  }

  /** Counts from now on every SQL statement an instance sends (TypeORM logs each one, logging on or off). */
  countStatements(instance = this.instances[0]): StatementCounter {
    const dataSource = instance.get(DataSource);
    const counter = new StatementCounter();
    const logger = dataSource.logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, queryRunner) => {
      counter.record(query);
      return logQuery(query, parameters, queryRunner);
    };
    return counter;
  }

  /**
   * What breaks the scoring invariants for these leads, as readable lines (none when all hold): a stored total
   * that is not the sum of the lead's live ledger rows, an (event, rule) in the ledger twice, more applications
   * of a rule than its max_per_lead, or a rolling 24 h window (ending at an application) holding more than its
   * max_per_day.
   */
  async invariantViolations(leadIds: string[]): Promise<string[]> {
    const rows = await this.query<{ violation: string }>(
      `SELECT 'total of ' || s.lead_id || ': stored ' || s.total || ', ledger ' || coalesce(l.live, 0) AS violation
         FROM scoring.lead_scores s
         LEFT JOIN (SELECT lead_id, sum(points) FILTER (WHERE NOT expired) AS live
                      FROM scoring.score_ledger GROUP BY lead_id) l ON l.lead_id = s.lead_id
        WHERE s.lead_id = ANY($1) AND s.total IS DISTINCT FROM coalesce(l.live, 0)
       UNION ALL
       SELECT 'twice: event ' || event_id || ', rule ' || rule_slug
         FROM scoring.score_ledger WHERE lead_id = ANY($1) AND event_id IS NOT NULL
        GROUP BY event_id, rule_id, rule_slug HAVING count(*) > 1
       UNION ALL
       SELECT 'fit rule ' || rule_slug || ' held twice by ' || lead_id
         FROM scoring.score_ledger WHERE lead_id = ANY($1) AND reason IN ('fit', 'fit_withdrawn')
        GROUP BY lead_id, rule_slug
       HAVING count(*) FILTER (WHERE reason = 'fit') - count(*) FILTER (WHERE reason = 'fit_withdrawn') NOT IN (0, 1)
       UNION ALL
       SELECT 'max_per_lead of ' || r.slug || ' for ' || l.lead_id || ': ' || count(*)
         FROM scoring.score_ledger l JOIN scoring.scoring_rules r ON r.id = l.rule_id
        WHERE l.lead_id = ANY($1) AND l.reason = 'event' AND r.max_per_lead IS NOT NULL
        GROUP BY l.lead_id, r.slug, r.max_per_lead HAVING count(*) > r.max_per_lead
       UNION ALL
       SELECT 'max_per_day of ' || r.slug || ' for ' || l.lead_id || ' at ' || l.occurred_at || ': ' || w.n
         FROM scoring.score_ledger l JOIN scoring.scoring_rules r ON r.id = l.rule_id
        CROSS JOIN LATERAL (
          SELECT count(*) AS n FROM scoring.score_ledger o
           WHERE o.lead_id = l.lead_id AND o.rule_id = l.rule_id
             AND o.occurred_at > l.occurred_at - interval '24 hours' AND o.occurred_at <= l.occurred_at) w
        WHERE l.lead_id = ANY($1) AND l.reason = 'event' AND r.max_per_day IS NOT NULL AND w.n > r.max_per_day`,
      [leadIds],
    );
    return rows.map((row) => row.violation);
  }

  async deadLetters(): Promise<{ message_id: string; reason: string; last_error: string }[]> {
    return this.query(
      `SELECT message_id, reason, last_error FROM scoring.dead_letter WHERE consumer = $1 ORDER BY created_at`,
      [SCORING_CONSUMER.durable],
    );
  }

  /** A request-reply call as the gateway makes it: the reply's data, or the service's error body. */
  async request<T = any>(
    subject: string,
    data: object,
  ): Promise<{ ok: true; data: T } | { ok: false; error: ErrorBody }> {
    const reply = await this.nc.request(`${this.namespace}.${subject}`, JSON.stringify(data), {
      timeout: 10_000,
    });
    return reply.json();
  }

  query<R extends object>(sql: string, params: unknown[] = []): Promise<R[]> {
    return this.pool.query<R>(sql, params).then((r) => r.rows);
  }

  private async followScoredStream(): Promise<void> {
    const consumer = await this.js.consumers.get(`${this.namespace.toUpperCase()}_SCORING`);
    this.scoredFeed = await consumer.consume();
    void (async () => {
      for await (const message of this.scoredFeed!) {
        const envelope = message.json<MessageEnvelope<any>>();
        if (envelope.type === Subjects.LeadIntentDetected) this.intentsDetected.push(envelope);
        else this.scored.push(envelope);
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

/** A profile change as leads announces it: a new lead by default, with a corporate email and nothing else. */
export function profileChange(
  leadId: string,
  version: number,
  profile: Partial<LeadProfileChangedV1['profile']> = {},
): LeadProfileChangedV1 {
  return {
    lead_id: leadId,
    profile_version: version,
    lead_created: version === 1,
    changed_at: new Date().toISOString(),
    profile: {
      email: `jane.${leadId.slice(0, 8)}@acme-bio.com`,
      first_name: null,
      last_name: null,
      phone: null,
      job_title: null,
      status: 'new',
      lifecycle_stage: 'lead',
      first_touch_source: 'website',
      linkedin_url: null,
      organization: null,
      ...profile,
    },
  };
}
