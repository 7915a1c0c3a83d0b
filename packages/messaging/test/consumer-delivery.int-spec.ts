import { HealthQueries, Queries, Subjects } from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { PermanentError, SERVER_DELIVERY_HEADROOM } from '../src';
import {
  PROBE_SCHEMA,
  Probe,
  batchProbeConsumer,
  leadEventEnvelope,
  leadScoredEnvelope,
  probeConsumer,
  sleep,
  withDb,
  useProbeTestBed,
} from './support/probe-app';

/** Batch consumption and the delivery defects found in review, against real nats-server 2.9 and PostgreSQL. */
describe('consumer delivery (batch handlers, dead letters, long handlers, recovery)', () => {
  const bed = useProbeTestBed('dlv');
  const { deadLetters } = bed;

  const effectCounts = () =>
    withDb(bed.db.url, async (c) => {
      const r = await c.query(
        `SELECT message_id, count(*)::int AS n FROM ${PROBE_SCHEMA}.probe_effect GROUP BY message_id`,
      );
      return new Map<string, number>(r.rows.map((row) => [row.message_id, row.n]));
    });
  const settled = (stream: string, durable: string) =>
    waitFor(
      async () => {
        const info = await bed.broker.consumerInfo(stream, durable);
        return info.num_ack_pending === 0 && info.num_pending === 0;
      },
      { timeoutMs: 20_000, message: `${durable} did not settle` },
    );

  describe('batch handlers', () => {
    it('hands several messages to one handler call, in stream order, each applied and acked once', async () => {
      const lead = 'a0000000-0000-4000-8000-000000000001';
      const envelopes = Array.from({ length: 40 }, (_, i) => leadScoredEnvelope(lead, i + 1));
      // Published before the consumer starts: a backlog, as in a burst.
      await bed.start(new Probe()).then(({ app }) => app.close());
      bed.apps.length = 0;
      for (const envelope of envelopes)
        await bed.broker.publishRaw(Subjects.LeadScored, envelope, envelope.id);
      const { probe } = await bed.start();

      await settled('SCORING', batchProbeConsumer.durable);
      const counts = await effectCounts();
      expect(envelopes.every((e) => counts.get(e.id) === 1)).toBe(true);
      // Batched: fewer handler calls than messages, none over the batch size, and the stream's order kept.
      expect(probe.batches.length).toBeLessThan(envelopes.length);
      expect(Math.max(...probe.batches.map((b) => b.length))).toBeLessThanOrEqual(8);
      expect(probe.batches.flat()).toEqual(envelopes.map((e) => e.id));
    });

    it('isolates a bad message: its neighbours commit once, it alone is dead-lettered', async () => {
      const probe = new Probe();
      const envelopes = Array.from({ length: 16 }, (_, i) => leadScoredEnvelope(undefined, i + 1));
      const poison = envelopes[5].id;
      probe.onBatch = async (batch) => {
        if (batch.some((e) => e.id === poison)) throw new PermanentError('cannot apply this one');
      };
      // Publish before starting, so the consumer sees them in full batches.
      await bed.start(new Probe()).then(({ app }) => app.close());
      bed.apps.length = 0;
      for (const envelope of envelopes)
        await bed.broker.publishRaw(Subjects.LeadScored, envelope, envelope.id);
      await bed.start(probe);

      await settled('SCORING', batchProbeConsumer.durable);
      const counts = await effectCounts();
      for (const envelope of envelopes)
        expect(counts.get(envelope.id)).toBe(envelope.id === poison ? undefined : 1);
      const letters = await deadLetters();
      expect(letters.map((l) => [l.message_id, l.reason, l.delivery_count])).toEqual([
        [poison, 'permanent_error', 1],
      ]);
      // The neighbours were not redelivered: isolation happened within the first delivery.
      const info = await bed.broker.consumerInfo('SCORING', batchProbeConsumer.durable);
      expect(info.num_redelivered).toBe(0);
    });

    it('handles a lone message on an idle consumer at once, without waiting for the batch to fill', async () => {
      // A minute of batch wait: applied to a message with nothing pending behind it, this test would time out.
      const patient = { ...batchProbeConsumer, batch: { size: 8, waitMs: 60_000 } };
      const { probe } = await bed.start(new Probe(), [probeConsumer, patient]);
      for (const score of [1, 2]) {
        const envelope = leadScoredEnvelope(undefined, score);
        await bed.broker.publishRaw(Subjects.LeadScored, envelope, envelope.id);
        await settled('SCORING', patient.durable);
        expect(probe.batches.at(-1)).toEqual([envelope.id]);
      }
    });

    it('skips a re-published envelope inside the same batch (inbox rows in one statement)', async () => {
      const { probe } = await bed.start();
      const envelope = leadScoredEnvelope();
      await bed.broker.publishRaw(Subjects.LeadScored, envelope, 'first');
      await bed.broker.publishRaw(Subjects.LeadScored, envelope, 'second');
      await settled('SCORING', batchProbeConsumer.durable);
      expect((await effectCounts()).get(envelope.id)).toBe(1);
      expect(probe.batches.flat()).toEqual([envelope.id]);
    });
  });

  describe('dead letters', () => {
    it('terminates a dead-lettered message for good: no redelivery after ack_wait, one dead letter', async () => {
      const probe = new Probe();
      probe.onEvent = async () => {
        throw new PermanentError('never valid');
      };
      await bed.start(probe);
      const envelope = leadEventEnvelope();
      await bed.broker.publishRaw(Subjects.LeadEventRecorded, envelope, envelope.id);
      await waitFor(async () => (await deadLetters()).length === 1);
      // ack_wait is 2 s: a TERM the server ignored (one with a reason, on 2.9) would redeliver by now.
      await sleep(3_500);
      expect(probe.deliveries).toHaveLength(1);
      expect(await deadLetters()).toHaveLength(1);
      const info = await bed.broker.consumerInfo('LEADS', probeConsumer.durable);
      expect(info.num_ack_pending).toBe(0);
    });

    it('dead-letters a deterministic SQL error (22012 division by zero) on its first delivery', async () => {
      const probe = new Probe();
      probe.onEvent = async () => {
        throw Object.assign(new Error('division by zero'), { code: '22012' });
      };
      await bed.start(probe);
      const envelope = leadEventEnvelope();
      await bed.broker.publishRaw(Subjects.LeadEventRecorded, envelope, envelope.id);
      const [letter] = await waitFor(async () => ((await deadLetters()).length ? deadLetters() : undefined));
      expect(letter.reason).toBe('permanent_error');
      expect(letter.delivery_count).toBe(1);
      expect(probe.deliveries).toHaveLength(1);
    });

    it('gives the server headroom over max_deliver, so a failed last attempt is retried, not dropped', async () => {
      const probe = new Probe();
      probe.onEvent = async () => {
        throw new Error('always failing');
      };
      await bed.start(probe);
      const info = await bed.broker.consumerInfo('LEADS', probeConsumer.durable);
      expect(info.config.max_deliver).toBe(probeConsumer.maxDeliver + SERVER_DELIVERY_HEADROOM);

      // The dead letter cannot be written on the last delivery: the message must come back, not vanish.
      await withDb(bed.db.url, (c) =>
        c.query(
          `ALTER TABLE ${PROBE_SCHEMA}.dead_letter ADD CONSTRAINT refuse_once CHECK (consumer = 'none') NOT VALID`,
        ),
      );
      const envelope = leadEventEnvelope();
      await bed.broker.publishRaw(Subjects.LeadEventRecorded, envelope, envelope.id);
      await waitFor(async () => probe.deliveries.length >= probeConsumer.maxDeliver, { timeoutMs: 15_000 });
      await sleep(300);
      await withDb(bed.db.url, (c) =>
        c.query(`ALTER TABLE ${PROBE_SCHEMA}.dead_letter DROP CONSTRAINT refuse_once`),
      );

      const [letter] = await waitFor(async () => ((await deadLetters()).length ? deadLetters() : undefined), {
        timeoutMs: 15_000,
      });
      expect(letter.reason).toBe('max_deliver_exceeded');
      expect(letter.delivery_count).toBeGreaterThan(probeConsumer.maxDeliver);
    });
  });

  describe('long handlers and an unavailable database', () => {
    it('keeps a handler that runs longer than ack_wait to itself (in-progress acks)', async () => {
      const probe = new Probe();
      // ack_wait is 2 s
      probe.onEvent = async () => {
        await sleep(5_000);
      };
      await bed.start(probe);
      const envelope = leadEventEnvelope();
      await bed.broker.publishRaw(Subjects.LeadEventRecorded, envelope, envelope.id);
      await waitFor(async () => (await effectCounts()).get(envelope.id) === 1, { timeoutMs: 15_000 });
      await settled('LEADS', probeConsumer.durable);
      expect(probe.deliveries.map((d) => d.deliveryCount)).toEqual([1]);
    });

    it('holds a message while its database connection is lost and retries it without spending a delivery', async () => {
      const probe = new Probe();
      let killed = false;
      probe.onEvent = async () => {
        if (killed) return;
        killed = true;
        // The handler's own session is terminated by the server (57P01), as in a database restart.
        await withDb(bed.db.url, (c) =>
          c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle in transaction'`),
        );
        throw Object.assign(new Error('terminating connection due to administrator command'), {
          code: '57P01',
        });
      };
      await bed.start(probe);
      const envelope = leadEventEnvelope();
      await bed.broker.publishRaw(Subjects.LeadEventRecorded, envelope, envelope.id);
      await waitFor(async () => (await effectCounts()).get(envelope.id) === 1, { timeoutMs: 15_000 });
      await settled('LEADS', probeConsumer.durable);
      expect(probe.deliveries.map((d) => d.deliveryCount)).toEqual([1, 1]);
      expect(await deadLetters()).toHaveLength(0);
    });
  });

  describe('consumer recovery and readiness', () => {
    it('re-provisions a deleted durable consumer, unready meanwhile, and goes on consuming', async () => {
      const { probe } = await bed.start();
      const jsm = await bed.broker.manager();
      await jsm.consumers.delete(bed.broker.stream('LEADS'), probeConsumer.durable);

      const readiness = async () =>
        (
          await bed.broker.request<{ ready: boolean; checks: Record<string, boolean> }>(
            HealthQueries.ready('scoring'),
            {},
          )
        ).checks.consumers;
      await waitFor(async () => (await readiness()) === false, {
        timeoutMs: 15_000,
        message: 'never unready',
      });
      await waitFor(async () => (await readiness()) === true, {
        timeoutMs: 20_000,
        message: 'never recovered',
      });

      const envelope = leadEventEnvelope();
      await bed.broker.publishRaw(Subjects.LeadEventRecorded, envelope, envelope.id);
      await waitFor(async () => (await effectCounts()).get(envelope.id) === 1, { timeoutMs: 15_000 });
      expect(probe.deliveries).toHaveLength(1);
    });
  });

  describe('stalled handling', () => {
    it('reports itself unready while a handling makes no progress, and ready again once it does', async () => {
      const probe = new Probe();
      let release!: () => void;
      const neverSettling = new Promise<void>((resolve) => (release = resolve));
      probe.onEvent = () => neverSettling;
      process.env.MESSAGING_STALL_TIMEOUT_MS = '1500';
      try {
        await bed.start(probe);
      } finally {
        delete process.env.MESSAGING_STALL_TIMEOUT_MS;
      }
      const readiness = async () =>
        (
          await bed.broker.request<{ ready: boolean; checks: Record<string, boolean> }>(
            HealthQueries.ready('scoring'),
            {},
          )
        ).checks.consumers;
      expect(await readiness()).toBe(true);

      const envelope = leadEventEnvelope();
      await bed.broker.publishRaw(Subjects.LeadEventRecorded, envelope, envelope.id);
      await waitFor(async () => (await readiness()) === false, {
        timeoutMs: 15_000,
        message: 'never unready',
      });
      release();
      await waitFor(async () => (await effectCounts()).get(envelope.id) === 1, { timeoutMs: 15_000 });
      expect(await readiness()).toBe(true);
    });
  });

  describe('request-reply', () => {
    it('answers malformed JSON with 400 and a lost database connection with 503', async () => {
      const probe = new Probe();
      probe.onRequest = async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      };
      await bed.start(probe);
      const raw = await bed.broker.nc.request(bed.broker.subject(Queries.LeadsGetLead), '{not json', {
        timeout: 5_000,
      });
      expect(raw.json<{ ok: boolean; error: { status: number; code: string } }>()).toMatchObject({
        ok: false,
        error: { status: 400, code: 'VALIDATION_ERROR' },
      });
      const reply = await bed.broker.requestReply(Queries.LeadsGetLead, {
        id: 'b0000000-0000-4000-8000-000000000001',
      });
      expect(reply).toMatchObject({ ok: false, error: { status: 503, code: 'SERVICE_UNAVAILABLE' } });
    });
  });
});
