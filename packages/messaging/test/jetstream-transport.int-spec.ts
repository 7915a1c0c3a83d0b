import { DataSource } from 'typeorm';
import { DeadLetterQueries, HealthQueries, Queries, Subjects } from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { NatsClient, PermanentError, RpcClient, TransientError } from '../src';
import {
  PROBE_SCHEMA,
  Probe,
  leadEventEnvelope,
  probeConsumer,
  sleep,
  withDb,
  useProbeTestBed,
} from './support/probe-app';

describe('JetStream transport (real nats-server and PostgreSQL)', () => {
  const bed = useProbeTestBed('msg');
  const { deadLetters } = bed;

  const effects = (messageId: string) =>
    withDb(bed.db.url, async (c) => {
      const r = await c.query(
        `SELECT count(*)::int AS n FROM ${PROBE_SCHEMA}.probe_effect WHERE message_id = $1`,
        [messageId],
      );
      return r.rows[0].n as number;
    });

  it('handles a message once, with its effects in the same commit, and acks after commit', async () => {
    const { probe } = await bed.start();
    const envelope = leadEventEnvelope();
    await bed.broker.publishRaw(Subjects.LeadEventRecorded, envelope, envelope.id);

    await waitFor(async () => (await effects(envelope.id)) === 1, { message: 'effect not written' });
    await waitFor(async () => {
      const info = await bed.broker.consumerInfo('LEADS', probeConsumer.durable);
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });
    expect(probe.deliveries).toHaveLength(1);
    const inbox = await withDb(bed.db.url, (c) =>
      c.query(`SELECT consumer FROM ${PROBE_SCHEMA}.processed_message WHERE message_id = $1`, [envelope.id]),
    );
    expect(inbox.rows).toEqual([{ consumer: probeConsumer.durable }]);
  });

  it('skips a re-published message id (new broker id, same envelope) through the inbox', async () => {
    const { probe } = await bed.start();
    const envelope = leadEventEnvelope();
    await bed.broker.publishRaw(Subjects.LeadEventRecorded, envelope, 'first-publish');
    await bed.broker.publishRaw(Subjects.LeadEventRecorded, envelope, 'second-publish-outside-dedupe-window');

    await waitFor(
      async () => (await bed.broker.consumerInfo('LEADS', probeConsumer.durable)).num_pending === 0,
    );
    await waitFor(
      async () => (await bed.broker.consumerInfo('LEADS', probeConsumer.durable)).num_ack_pending === 0,
    );
    expect(await bed.broker.streamMessages('LEADS')).toBe(2);
    expect(probe.deliveries).toHaveLength(1);
    expect(await effects(envelope.id)).toBe(1);
  });

  it('naks a transient failure with a backoff computed from the delivery count, and rolls back its effects', async () => {
    const probe = new Probe();
    probe.onEvent = async (_envelope, ctx) => {
      if (ctx.deliveryCount < 3) throw new TransientError('vendor briefly down');
    };
    await bed.start(probe);
    const envelope = leadEventEnvelope();
    await bed.broker.publishRaw(Subjects.LeadEventRecorded, envelope, envelope.id);

    await waitFor(async () => (await effects(envelope.id)) === 1, { timeoutMs: 10_000 });
    expect(probe.deliveries.map((d) => d.deliveryCount)).toEqual([1, 2, 3]);
    const [first, second, third] = probe.deliveries.map((d) => d.at);
    // backoff [300, 600] ms: the first retry waits >= 300 ms, the second >= 600 ms.
    expect(second - first).toBeGreaterThanOrEqual(280);
    expect(third - second).toBeGreaterThanOrEqual(580);
    // ...and comes from the nak: without it the server would redeliver only after ack_wait (2 s).
    expect(second - first).toBeLessThan(1_500);
    expect(third - second).toBeLessThan(1_800);
    expect(await deadLetters()).toHaveLength(0);
  });

  it("honours a vendor's Retry-After when it is longer than the backoff", async () => {
    const probe = new Probe();
    probe.onEvent = async (_envelope, ctx) => {
      if (ctx.deliveryCount === 1) throw new TransientError('429', { retryAfterMs: 1500 });
    };
    await bed.start(probe);
    const envelope = leadEventEnvelope();
    await bed.broker.publishRaw(Subjects.LeadEventRecorded, envelope, envelope.id);

    await waitFor(async () => (await effects(envelope.id)) === 1, { timeoutMs: 10_000 });
    expect(probe.deliveries[1].at - probe.deliveries[0].at).toBeGreaterThanOrEqual(1450);
  });

  it('makes an exhausted message a dead letter with its error, lists it and re-publishes it on request', async () => {
    const probe = new Probe();
    let healthy = false;
    probe.onEvent = async () => {
      if (!healthy) throw new Error('database constraint exploded');
    };
    await bed.start(probe);
    const envelope = leadEventEnvelope();
    await bed.broker.publishRaw(Subjects.LeadEventRecorded, envelope, envelope.id);

    const [letter] = await waitFor(async () => {
      const rows = await deadLetters();
      return rows.length ? rows : undefined;
    });
    expect(letter).toMatchObject({
      reason: 'max_deliver_exceeded',
      delivery_count: probeConsumer.maxDeliver,
      message_id: envelope.id,
      subject: Subjects.LeadEventRecorded,
      status: 'dead',
    });
    expect(letter.last_error).toContain('database constraint exploded');
    expect(probe.deliveries).toHaveLength(probeConsumer.maxDeliver);
    expect(await effects(envelope.id)).toBe(0);
    await sleep(800); // terminated: no further delivery
    expect(probe.deliveries).toHaveLength(probeConsumer.maxDeliver);

    const listed = await bed.broker.requestReply<any>(DeadLetterQueries.list('scoring'), {});
    expect(listed.ok).toBe(true);
    expect(listed.data.data.map((d: { id: string }) => d.id)).toEqual([letter.id]);
    expect(listed.data.pagination.total).toBe(1);

    const malformed = await bed.broker.requestReply<any>(DeadLetterQueries.retry('scoring'), {
      id: 'not-a-uuid',
    });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR', status: 400 } });

    healthy = true;
    const retried = await bed.broker.requestReply<any>(DeadLetterQueries.retry('scoring'), { id: letter.id });
    expect(retried).toEqual({ ok: true, data: { id: letter.id, status: 'requeued' } });
    await waitFor(async () => (await effects(envelope.id)) === 1);
    expect((await deadLetters())[0].status).toBe('requeued');
  });

  it('terminates an invalid payload at once as a dead letter, without calling the handler', async () => {
    const { probe } = await bed.start();
    const invalid = leadEventEnvelope();
    (invalid.data as Record<string, unknown>).lead_id = 'not-a-uuid';
    await bed.broker.publishRaw(Subjects.LeadEventRecorded, invalid, invalid.id);
    await bed.broker.publishRaw(Subjects.LeadEventRecorded, '{not json', 'garbage');

    const letters = await waitFor(async () => {
      const rows = await deadLetters();
      return rows.length === 2 ? rows : undefined;
    });
    expect(letters.map((l) => l.reason)).toEqual(['invalid_message', 'invalid_message']);
    expect(letters.map((l) => l.delivery_count)).toEqual([1, 1]);
    // Handled concurrently: find each by its message id, not by the order they were recorded in.
    expect(letters.find((l) => l.message_id === invalid.id)?.last_error).toContain('data.lead_id');
    expect(letters.find((l) => l.message_id === null)?.last_error).toContain('not JSON');
    expect(probe.deliveries).toHaveLength(0);
  });

  it('dead-letters a PermanentError on the first delivery', async () => {
    const probe = new Probe();
    probe.onEvent = async () => {
      throw new PermanentError('unknown lead, will never exist');
    };
    await bed.start(probe);
    const envelope = leadEventEnvelope();
    await bed.broker.publishRaw(Subjects.LeadEventRecorded, envelope, envelope.id);
    const [letter] = await waitFor(async () => ((await deadLetters()).length ? deadLetters() : undefined));
    expect(letter).toMatchObject({ reason: 'permanent_error', delivery_count: 1 });
  });

  it('redelivers a message whose handler died with its process, and applies it exactly once', async () => {
    const crashing = new Probe();
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    crashing.onEvent = () => {
      started();
      return new Promise<void>(() => undefined); // hangs: the process "dies" mid-handler
    };
    const { app: doomed } = await bed.start(crashing);
    const envelope = leadEventEnvelope();
    await bed.broker.publishRaw(Subjects.LeadEventRecorded, envelope, envelope.id);
    await handlerStarted;

    // Simulate kill -9: the broker connection and the open database transaction vanish; nothing is acked.
    await doomed.get(DataSource).query('SELECT 1');
    await doomed.get(NatsClient).nc.close();
    await withDb(bed.db.url, (c) =>
      c.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%'`,
        [bed.db.name],
      ),
    );

    const { probe: survivor } = await bed.start();
    await waitFor(async () => (await effects(envelope.id)) === 1, { timeoutMs: 15_000 });
    expect(survivor.deliveries).toEqual([
      expect.objectContaining({ messageId: envelope.id, deliveryCount: 2 }),
    ]);
    await sleep(500);
    expect(await effects(envelope.id)).toBe(1);
  });

  it('lets an in-flight handler finish on graceful shutdown before acking and closing', async () => {
    const probe = new Probe();
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    probe.onEvent = async () => {
      started();
      await sleep(700);
    };
    const { app } = await bed.start(probe);
    const envelope = leadEventEnvelope();
    await bed.broker.publishRaw(Subjects.LeadEventRecorded, envelope, envelope.id);
    await handlerStarted;
    const closing = Date.now();
    await app.close();
    bed.apps.splice(bed.apps.indexOf(app), 1);

    expect(Date.now() - closing).toBeGreaterThanOrEqual(600);
    expect(await effects(envelope.id)).toBe(1);
    const info = await bed.broker.consumerInfo('LEADS', probeConsumer.durable);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
  });

  describe('request-reply', () => {
    it('answers with data, validates input, and carries domain errors', async () => {
      const probe = new Probe();
      await bed.start(probe);
      const id = '5b0f3c1e-8a43-4a4e-9d6c-0d7f1e9a2b11';
      expect(await bed.broker.requestReply<any>(Queries.LeadsGetLead, { id })).toEqual({
        ok: true,
        data: { echo: id },
      });

      const invalid = await bed.broker.requestReply<any>(Queries.LeadsGetLead, { id: 'nope' });
      expect(invalid.ok).toBe(false);
      expect(invalid.error).toMatchObject({ code: 'VALIDATION_ERROR', status: 400 });
      expect((invalid.error as any).details.validation_errors[0].path).toBe('id');

      const { NotFoundError } = await import('@crm/contracts');
      probe.onRequest = async (q) => {
        throw new NotFoundError('Lead', q.id);
      };
      const missing = await bed.broker.requestReply<any>(Queries.LeadsGetLead, { id });
      expect(missing.error).toMatchObject({
        code: 'NOT_FOUND',
        status: 404,
        details: { resource: 'Lead', identifier: id },
      });
    });

    it('answers the readiness query from its own database and broker checks', async () => {
      await bed.start();
      expect(await bed.broker.requestReply(HealthQueries.ready('scoring'), {})).toEqual({
        ok: true,
        data: { ready: true, checks: { consumers: true, database: true, nats: true, outbox_relay: true } },
      });
    });

    it('maps nobody answering to 503 and a slow answer to 504 in the client', async () => {
      const probe = new Probe();
      const { app } = await bed.start(probe);
      const rpc = app.get(RpcClient);
      await expect(rpc.request(Queries.AutomationGetRun, { id: 'x' })).rejects.toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        status: 503,
      });
      probe.onRequest = async () => {
        await sleep(1500);
        return {};
      };
      await expect(
        rpc.request(Queries.LeadsGetLead, { id: '5b0f3c1e-8a43-4a4e-9d6c-0d7f1e9a2b11' }, { timeoutMs: 300 }),
      ).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', status: 504 });
    });

    it('skips a request that queued behind busy slots for longer than its caller waits', async () => {
      const probe = new Probe();
      const { app } = await bed.start(probe);
      const rpc = app.get(RpcClient);
      const busyId = '5b0f3c1e-8a43-4a4e-9d6c-0d7f1e9a2b11';
      const lateId = '0e7c52a4-3a7b-4c0e-9f51-6b1d2f3c4a5e';
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const handled: string[] = [];
      probe.onRequest = async (q) => {
        handled.push(q.id);
        if (q.id === busyId) await released;
        return { echo: q.id };
      };
      // Every request slot of the process (32) is taken by a request that waits to be released.
      const busy = Array.from({ length: 32 }, () => rpc.request(Queries.LeadsGetLead, { id: busyId }));
      await waitFor(async () => handled.length === 32, { timeoutMs: 10_000 });

      await expect(
        rpc.request(Queries.LeadsGetLead, { id: lateId }, { timeoutMs: 300 }),
      ).rejects.toMatchObject({
        code: 'UPSTREAM_TIMEOUT',
      });
      // The caller's clock started before the request reached the service: let the service's own count pass
      // the budget too before a slot frees (any delay only makes the request older).
      await sleep(200);
      release();
      await Promise.all(busy);
      // Had it not been skipped, the late request would run as soon as a slot freed, i.e. by now.
      const answered = await rpc.request(Queries.LeadsGetLead, { id: busyId });
      expect(answered).toEqual({ echo: busyId });
      expect(handled.filter((id) => id === lateId)).toEqual([]);
      expect(handled).toHaveLength(33);
    });
  });
});
