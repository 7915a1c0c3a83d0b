import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Subjects, type LeadEventRecordedV1, type MessageEnvelope, type Subject } from '@crm/contracts';
import { Client } from 'pg';
import { HealthRegistry, TransactionHost } from '@crm/service-kit';
import {
  NatsTestClient,
  createTestDatabase,
  deleteNamespaceStreams,
  uniqueNamespace,
  waitFor,
  type TestDatabase,
} from '@crm/testing';
import { NatsClient, Outbox, OutboxMessageTooLargeError, OutboxRelay, createEnvelope } from '../src';
import { OUTBOX_MAX_ATTEMPTS, outboxRetryDelayMs } from '../src/outbox/outbox-retry-policy';
import {
  PROBE_SCHEMA,
  createProbeTable,
  leadEventEnvelope,
  migrateProbeSchema,
  sleep,
  startProbeApp,
  withDb,
} from './support/probe-app';

const scored = (leadId = randomUUID()) => ({
  lead_id: leadId,
  version: 1,
  scores: { demographic: 0, engagement: 2, behavior: 0, total: 2 },
  previous_total: 0,
  tier: 'cold' as const,
  previous_tier: 'cold' as const,
  tier_changed: false,
  reason: 'event' as const,
  event_id: null,
  points_applied: 2,
  scored_at: new Date().toISOString(),
});

const recorded = (metadata: Record<string, unknown> = {}) => ({
  ...(leadEventEnvelope().data as LeadEventRecordedV1),
  metadata,
});

const scoredEnvelopes = (count: number) =>
  Array.from({ length: count }, () => createEnvelope('scoring', Subjects.LeadScored, scored()));

describe('Transactional outbox and relay (real nats-server and PostgreSQL)', () => {
  let db: TestDatabase;
  let namespace: string;
  let broker: NatsTestClient;
  const apps: INestApplication[] = [];
  const backoffScale = process.env.MESSAGING_BACKOFF_SCALE;

  const sql = <R = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    withDb(db.url, async (c) => (await c.query(text, params)).rows as R[]);
  const unpublished = async () =>
    (
      await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${PROBE_SCHEMA}.outbox_message WHERE published_at IS NULL`,
      )
    )[0].n;
  /** Rows committed by some other process (no relay in this one was woken for them). */
  const insertCommittedRows = (subject: Subject, envelopes: MessageEnvelope<unknown>[]) =>
    sql(
      `INSERT INTO ${PROBE_SCHEMA}.outbox_message (id, subject, envelope)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[])`,
      [envelopes.map((e) => e.id), envelopes.map(() => subject), envelopes.map((e) => JSON.stringify(e))],
    );
  /** A stream that is gone (or was never provisioned): publishing to its subjects cannot succeed. */
  const deleteStream = async (name: string) => (await broker.manager()).streams.delete(broker.stream(name));
  const streamMessageIds = async (name: string) => {
    const manager = await broker.manager();
    const count = await broker.streamMessages(name);
    const ids: string[] = [];
    for (let seq = 1; seq <= count; seq++)
      ids.push((await manager.streams.getMessage(broker.stream(name), { seq }))!.json<{ id: string }>().id);
    return ids;
  };

  beforeEach(async () => {
    db = await createTestDatabase();
    namespace = uniqueNamespace('outbox');
    await createProbeTable(db.url);
    await migrateProbeSchema(db.url);
    broker = await NatsTestClient.connect(namespace);
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close().catch(() => undefined)));
    await broker.close();
    await deleteNamespaceStreams('nats://127.0.0.1:4222', namespace);
    await db.drop();
    if (backoffScale === undefined) delete process.env.MESSAGING_BACKOFF_SCALE;
    else process.env.MESSAGING_BACKOFF_SCALE = backoffScale;
  });

  async function start() {
    const { app } = await startProbeApp({ databaseUrl: db.url, namespace });
    apps.push(app);
    return app;
  }

  it('publishes a message only when its transaction commits', async () => {
    const app = await start();
    const tx = app.get(TransactionHost);
    const outbox = app.get(Outbox);

    await expect(
      tx.transaction(async () => {
        await outbox.publish(Subjects.LeadScored, scored());
        throw new Error('use case failed after writing');
      }),
    ).rejects.toThrow('use case failed');
    const committedId = await tx.transaction(() => outbox.publish(Subjects.LeadScored, scored()));

    await waitFor(async () => (await broker.streamMessages('SCORING')) === 1);
    await waitFor(async () => (await unpublished()) === 0);
    const stored = await (await broker.manager()).streams.getMessage(broker.stream('SCORING'), { seq: 1 });
    expect(stored!.json<{ id: string }>().id).toBe(committedId);
    expect(stored!.header.get('Nats-Msg-Id')).toBe(committedId);
  });

  it('relays rows left by a crash between commit and publish, once', async () => {
    // Rows committed by a process that died before its relay ran.
    await insertCommittedRows(Subjects.LeadScored, scoredEnvelopes(3));
    await start();

    await waitFor(async () => (await unpublished()) === 0);
    expect(await broker.streamMessages('SCORING')).toBe(3);
  });

  it('does not duplicate a row published just before a crash (publish done, mark lost)', async () => {
    const earlier = await start(); // a first life of the service, which provisioned the streams
    await earlier.close();
    apps.splice(apps.indexOf(earlier), 1);
    const [envelope] = scoredEnvelopes(1);
    await insertCommittedRows(Subjects.LeadScored, [envelope]);
    // The dead relay had published it with msgID = row id, but never marked the row.
    await broker.publishRaw(Subjects.LeadScored, envelope, envelope.id);
    await start();

    await waitFor(async () => (await unpublished()) === 0);
    expect(await broker.streamMessages('SCORING')).toBe(1);
  });

  it('publishes every row exactly once with two relays running at the same time, both doing part of it', async () => {
    const relays = [await start(), await start()].map((app) => app.get(OutboxRelay));
    // Only the two flushes below publish, so what each returns is exactly its share.
    await Promise.all(relays.map((relay) => relay.stop()));
    const rows = scoredEnvelopes(600);
    await insertCommittedRows(Subjects.LeadScored, rows);

    const claimsBefore = relays.map((relay) => relay.stats.claims);
    const [a, b] = await Promise.all(relays.map((relay) => relay.flush()));
    const claims = relays.map((relay, i) => relay.stats.claims - claimsBefore[i]);

    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(a + b).toBe(600);
    // Claimed once each (one attempt), and a full batch per claim statement but for the last one or two.
    const [{ min, max }] = await sql<{ min: number; max: number }>(
      `SELECT min(attempts)::int AS min, max(attempts)::int AS max FROM ${PROBE_SCHEMA}.outbox_message`,
    );
    expect([min, max]).toEqual([1, 1]);
    expect(claims[0] + claims[1]).toBeLessThanOrEqual(600 / relays[0].batchSize + 2);
    expect(await unpublished()).toBe(0);
    const published = await streamMessageIds('SCORING');
    expect(published).toHaveLength(600);
    expect(new Set(published)).toEqual(new Set(rows.map((row) => row.id)));
  });

  it('parks rows that cannot be published after their attempts, without holding up the rows behind them', async () => {
    process.env.MESSAGING_BACKOFF_SCALE = '0.001';
    const app = await start();
    const relay = app.get(OutboxRelay);
    await deleteStream('SCORING');
    // A whole batch of rows no stream takes, ahead of a good one: the head of the queue.
    const stuck = scoredEnvelopes(relay.batchSize);
    await insertCommittedRows(Subjects.LeadScored, stuck);
    const tx = app.get(TransactionHost);
    const outbox = app.get(Outbox);
    const later = await tx.transaction(() => outbox.publish(Subjects.LeadEventRecorded, recorded()));

    await waitFor(async () => (await streamMessageIds('LEADS')).includes(later), {
      message: 'later row published',
    });
    const parked = () =>
      sql<{ parked: number; min_attempts: number; max_attempts: number; errors: string[] }>(
        `SELECT count(*)::int AS parked, min(attempts)::int AS min_attempts, max(attempts)::int AS max_attempts,
                array_agg(DISTINCT last_error) AS errors
           FROM ${PROBE_SCHEMA}.outbox_message WHERE parked_at IS NOT NULL AND published_at IS NULL`,
      ).then((rows) => rows[0]);
    await waitFor(async () => (await parked()).parked === stuck.length, {
      timeoutMs: 60_000,
      intervalMs: 250,
      message: 'stuck rows parked',
    });

    expect(await parked()).toEqual({
      parked: stuck.length,
      min_attempts: OUTBOX_MAX_ATTEMPTS,
      max_attempts: OUTBOX_MAX_ATTEMPTS,
      errors: [expect.stringContaining('no responders')],
    });
    expect(relay.stats.parked).toBe(stuck.length);
    // Parked rows are never claimed again.
    expect(await relay.flush()).toBe(0);
    expect((await parked()).max_attempts).toBe(OUTBOX_MAX_ATTEMPTS);
  }, 90_000);

  it('backs off exponentially between the attempts of a row that fails', async () => {
    const scale = 0.1;
    process.env.MESSAGING_BACKOFF_SCALE = String(scale);
    const relay = (await start()).get(OutboxRelay);
    await relay.stop(); // attempts are driven below, one at a time
    await deleteStream('SCORING');
    const [envelope] = scoredEnvelopes(1);
    await insertCommittedRows(Subjects.LeadScored, [envelope]);
    const dbClock = async () => (await sql<{ now: string }>(`SELECT clock_timestamp()::text AS now`))[0].now;

    const delays: { atLeast: number; atMost: number; expected: number }[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      await waitFor(
        async () =>
          (
            await sql(
              `SELECT 1 FROM ${PROBE_SCHEMA}.outbox_message WHERE id = $1 AND next_attempt_at <= clock_timestamp()`,
              [envelope.id],
            )
          ).length === 1,
        { intervalMs: 20, message: `attempt ${attempt} due` },
      );
      const before = await dbClock();
      await relay.flush();
      const after = await dbClock();
      // The failure set next_attempt_at = (a moment between before and after) + the delay.
      const [row] = await sql<{ attempts: number; after_before: number; after_after: number }>(
        `SELECT attempts,
                extract(epoch FROM next_attempt_at - $2::timestamptz) * 1000 AS after_before,
                extract(epoch FROM next_attempt_at - $3::timestamptz) * 1000 AS after_after
           FROM ${PROBE_SCHEMA}.outbox_message WHERE id = $1`,
        [envelope.id, before, after],
      );
      expect(row.attempts).toBe(attempt);
      delays.push({
        atLeast: Number(row.after_after),
        atMost: Number(row.after_before),
        expected: outboxRetryDelayMs(attempt, scale),
      });
    }

    for (const { atLeast, atMost, expected } of delays) {
      expect(expected).toBeGreaterThanOrEqual(atLeast);
      expect(expected).toBeLessThanOrEqual(atMost);
    }
    expect(delays.map((d) => d.expected)).toEqual([100, 200, 400, 800]);
  });

  it('rejects an envelope larger than the broker accepts where it is written, so nothing is stored', async () => {
    const app = await start();
    const tx = app.get(TransactionHost);
    const outbox = app.get(Outbox);
    const maxPayload = app.get(NatsClient).nc.info!.max_payload;
    const withMetadataOf = (bytes: number) => recorded({ notes: 'x'.repeat(bytes) });

    await expect(
      tx.transaction(async () => {
        await tx.manager.query(`INSERT INTO probe_effect (message_id) VALUES ($1)`, [randomUUID()]);
        await outbox.publish(Subjects.LeadEventRecorded, withMetadataOf(maxPayload));
      }),
    ).rejects.toBeInstanceOf(OutboxMessageTooLargeError);
    const counts = await sql<{ effects: number; messages: number }>(
      `SELECT (SELECT count(*)::int FROM ${PROBE_SCHEMA}.probe_effect) AS effects,
              (SELECT count(*)::int FROM ${PROBE_SCHEMA}.outbox_message) AS messages`,
    );
    expect(counts).toEqual([{ effects: 0, messages: 0 }]);

    // A large envelope that fits is written and published.
    const fits = await tx.transaction(() =>
      outbox.publish(Subjects.LeadEventRecorded, withMetadataOf(maxPayload - 4096)),
    );
    await waitFor(async () => (await streamMessageIds('LEADS')).includes(fits));
  });

  it('reports itself unready while a round is stuck, and ready again once it moves', async () => {
    process.env.MESSAGING_STALL_TIMEOUT_MS = '1500';
    let app: INestApplication;
    try {
      app = await start();
    } finally {
      delete process.env.MESSAGING_STALL_TIMEOUT_MS;
    }
    const relayReady = async () => (await app.get(HealthRegistry).run())['outbox_relay'];
    expect(await relayReady()).toBe(true);
    // The claim waits on this lock (well within the statement timeout) until it is released.
    const blocker = new Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`LOCK TABLE ${PROBE_SCHEMA}.outbox_message IN ACCESS EXCLUSIVE MODE`);
      app.get(OutboxRelay).wake();
      await waitFor(async () => (await relayReady()) === false, {
        timeoutMs: 10_000,
        message: 'never unready',
      });
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    await waitFor(async () => (await relayReady()) === true, {
      timeoutMs: 10_000,
      message: 'never ready again',
    });
  });

  it('publishes what this process commits without a claim, and claims only on the safety poll while idle', async () => {
    const app = await start();
    const relay = app.get(OutboxRelay);
    const tx = app.get(TransactionHost);
    const outbox = app.get(Outbox);
    await waitFor(async () => relay.stats.claims > 0, { message: 'startup claim' });
    await sleep(200);

    const before = { ...relay.stats };
    const ids = await tx.transaction(async () => [
      await outbox.publish(Subjects.LeadScored, scored()),
      ...(await outbox.publishMany([
        { subject: Subjects.LeadScored, data: scored() },
        { subject: Subjects.LeadScored, data: scored() },
      ])),
    ]);
    await waitFor(async () => (await unpublished()) === 0);
    expect(relay.stats.handedOver - before.handedOver).toBe(3);
    expect(relay.stats.published - before.published).toBe(3);
    // Only the safety poll claims (at most once in a few seconds, and then it finds these rows published).
    expect(relay.stats.claims - before.claims).toBeLessThanOrEqual(1);
    expect(await streamMessageIds('SCORING')).toEqual(ids);

    const idleFrom = relay.stats.claims;
    await sleep(3_000);
    expect(relay.stats.claims - idleFrom).toBeLessThanOrEqual(1);
  });
});
