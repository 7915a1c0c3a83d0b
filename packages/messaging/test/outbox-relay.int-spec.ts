import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Subjects } from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import {
  NatsTestClient,
  createTestDatabase,
  deleteNamespaceStreams,
  uniqueNamespace,
  waitFor,
  type TestDatabase,
} from '@crm/testing';
import { Outbox, OutboxRelay, createEnvelope } from '../src';
import {
  PROBE_SCHEMA,
  createProbeTable,
  migrateProbeSchema,
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

describe('Transactional outbox and relay (real nats-server and PostgreSQL)', () => {
  let db: TestDatabase;
  let namespace: string;
  let broker: NatsTestClient;
  const apps: INestApplication[] = [];

  const unpublished = () =>
    withDb(
      db.url,
      async (c) =>
        (
          await c.query(
            `SELECT count(*)::int AS n FROM ${PROBE_SCHEMA}.outbox_message WHERE published_at IS NULL`,
          )
        ).rows[0].n as number,
    );
  const insertCommittedRow = (subject: string, envelope: object & { id: string }) =>
    withDb(db.url, (c) =>
      c.query(`INSERT INTO ${PROBE_SCHEMA}.outbox_message (id, subject, envelope) VALUES ($1, $2, $3)`, [
        envelope.id,
        subject,
        envelope,
      ]),
    );

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
    const envelopes = [0, 1, 2].map(() => createEnvelope('scoring', Subjects.LeadScored, scored()));
    for (const envelope of envelopes) await insertCommittedRow(Subjects.LeadScored, envelope);
    await start();

    await waitFor(async () => (await unpublished()) === 0);
    expect(await broker.streamMessages('SCORING')).toBe(3);
  });

  it('does not duplicate a row published just before a crash (publish done, mark lost)', async () => {
    const earlier = await start(); // a first life of the service, which provisioned the streams
    await earlier.close();
    apps.splice(apps.indexOf(earlier), 1);
    const envelope = createEnvelope('scoring', Subjects.LeadScored, scored());
    await insertCommittedRow(Subjects.LeadScored, envelope);
    // The dead relay had published it with msgID = row id, but never marked the row.
    await broker.publishRaw(Subjects.LeadScored, envelope, envelope.id);
    await start();

    await waitFor(async () => (await unpublished()) === 0);
    expect(await broker.streamMessages('SCORING')).toBe(1);
  });

  it('publishes every row exactly once with two relays running at the same time', async () => {
    const first = await start();
    const second = await start();
    const rows = Array.from({ length: 600 }, () => createEnvelope('scoring', Subjects.LeadScored, scored()));
    await withDb(db.url, async (c) => {
      for (let i = 0; i < rows.length; i += 100) {
        const chunk = rows.slice(i, i + 100);
        await c.query(
          `INSERT INTO ${PROBE_SCHEMA}.outbox_message (id, subject, envelope)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[])`,
          [chunk.map((r) => r.id), chunk.map(() => Subjects.LeadScored), chunk.map((r) => JSON.stringify(r))],
        );
      }
    });
    const [a, b] = await Promise.all([first.get(OutboxRelay).flush(), second.get(OutboxRelay).flush()]);

    await waitFor(async () => (await unpublished()) === 0);
    // Row locks split the work; neither relay published a row the other had claimed.
    expect(a + b).toBeLessThanOrEqual(600);
    const attempts = await withDb(
      db.url,
      async (c) =>
        (await c.query(`SELECT max(attempts)::int AS max FROM ${PROBE_SCHEMA}.outbox_message`)).rows[0].max,
    );
    expect(attempts).toBe(1);
    expect(await broker.streamMessages('SCORING')).toBe(600);
  });
});
