import { Client } from 'pg';
import { waitFor } from '@crm/testing';
import {
  ensureInfrastructureUp,
  EventSender,
  mixedBurst,
  restartNats,
  restartPostgres,
  RunningSystem,
  SERVICES,
  startNats,
  stopNats,
  SystemProbe,
  SYSTEM_API_KEY,
  withSystemStateOnFailure,
  type Burst,
} from '../src';

/**
 * Failures in the middle of a burst: kill -9 of a service (then a restart), a relay that dies with committed
 * outbox rows it could not publish, and restarts of the shared PostgreSQL and nats-server that the services
 * must survive without being restarted. Afterwards every event is stored once, every (event, rule) scored once,
 * the score copies agree and every outbox row is published once (invariants.ts).
 *
 * Nothing here injects faults into the services: they are killed from outside, the relay-only moment comes
 * from a table lock and a stopped nats-server. Restarting PostgreSQL and NATS disturbs everything else using
 * them: the e2e project runs in band, after the integration tests (infra/scripts/test.mjs), and every test
 * that stops one restores it in a `finally`.
 */
const CRASH_BURST = Number(process.env.E2E_CRASH_BURST_EVENTS ?? 5000);
const RELAY_BURST = Number(process.env.E2E_RELAY_BURST_EVENTS ?? 500);
const RESTART_BURST = Number(process.env.E2E_RESTART_BURST_EVENTS ?? 2000);
/** Generous: a loaded 2-core machine is slow, and messages held by a dead process return only after ack_wait. */
const SETTLE_MS = 420_000;
const TEST_TIMEOUT_MS = 600_000;

describe('system: crashes and infrastructure restarts lose and repeat nothing', () => {
  let system: RunningSystem;
  let probe: SystemProbe;
  let sender: EventSender;

  beforeAll(async () => {
    await ensureInfrastructureUp();
    system = await RunningSystem.start({ env: { MESSAGING_BACKOFF_SCALE: '0.001' } });
    probe = await SystemProbe.open(system);
    sender = new EventSender(system.gatewayUrl, SYSTEM_API_KEY);
  });

  afterAll(async () => {
    await ensureInfrastructureUp();
    await probe?.close();
    await system?.stop();
  });

  /**
   * Sends a burst; once `progress` reached a fifth of it, `disrupt` runs. Then waits until the burst is through
   * and nothing moves any more. Returns the progress at the disruption: below the burst size, or the test
   * proved nothing.
   */
  async function disruptBurst(
    size: number,
    progress: (burst: Burst) => Promise<number>,
    disrupt: () => Promise<void>,
  ) {
    const burst = mixedBurst(size);
    const sending = sender.send(burst.events);
    sending.catch(() => undefined); // awaited below; a failure must not surface as an unhandled rejection first
    const atDisruption = await waitFor(
      async () => {
        const done = await progress(burst);
        return done >= size / 5 ? done : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 50, message: 'no progress on the burst' },
    );
    await disrupt();
    // Producers retry what the gateway could not make durable meanwhile, with the same event ids.
    await sending;
    await withSystemStateOnFailure(system, probe, () => probe.waitUntilSettled(burst, SETTLE_MS));
    return { burst, atDisruption };
  }

  describe('kill -9 of a service, then a restart', () => {
    it.each([
      { service: 'leads' as const, progress: (burst: Burst) => probe.recorded(burst) },
      { service: 'scoring' as const, progress: (burst: Burst) => probe.scored(burst) },
    ])(
      '$service, under a 5,000-event burst: each event stored once, each (event, rule) scored once',
      async ({ service, progress }) => {
        const { burst, atDisruption } = await disruptBurst(CRASH_BURST, progress, async () => {
          await system.crash(service);
          await system.startService(service);
        });
        expect(atDisruption).toBeLessThan(burst.events.length);
        expect(await probe.violations(burst)).toEqual([]);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'leads, with committed outbox rows it could not publish (NATS down): each published once after the restart',
      async () => {
        const burst = mixedBurst(RELAY_BURST);
        // Hold leads' event writes: its handlers take the messages they pulled and wait on this lock.
        const blocker = new Client({ connectionString: system.db.url });
        await blocker.connect();
        try {
          await blocker.query('BEGIN');
          await blocker.query('LOCK TABLE leads.lead_events IN EXCLUSIVE MODE');
          await sender.send(burst.events); // durable in INGEST before the answers
          await waitFor(
            async () => {
              const { rows } = await blocker.query(
                `SELECT count(*)::int AS n FROM pg_locks
                WHERE NOT granted AND relation = 'leads.lead_events'::regclass
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
              );
              return rows[0].n > 0;
            },
            { timeoutMs: 60_000, intervalMs: 20, message: 'leads never waited on the held lock' },
          );
          await stopNats();
        } finally {
          await blocker.query('COMMIT').catch(() => undefined);
          await blocker.end();
        }
        let leftUnpublished: string[];
        try {
          // Leads commits what it pulled; its relay cannot reach the broker, so the rows stay unpublished.
          await waitFor(async () => (await probe.unpublished()).leads > 0, {
            timeoutMs: 60_000,
            intervalMs: 20,
            message: 'no unpublished outbox row in leads while NATS was down',
          });
          await system.crash('leads');
          leftUnpublished = (
            await probe.query<{ id: string }>(
              `SELECT id::text FROM leads.outbox_message WHERE published_at IS NULL`,
            )
          ).map((r) => r.id);
        } finally {
          await startNats();
        }
        expect(leftUnpublished.length).toBeGreaterThan(0);
        await system.startService('leads');
        await withSystemStateOnFailure(system, probe, () => probe.waitUntilSettled(burst, SETTLE_MS));
        const [published] = await probe.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM leads.outbox_message WHERE id = ANY($1::uuid[]) AND published_at IS NOT NULL`,
          [leftUnpublished],
        );
        expect(published.n).toBe(leftUnpublished.length);
        // ... and each exactly once on the broker: violations() compares stream and outbox counts per subject.
        expect(await probe.violations(burst)).toEqual([]);
      },
      TEST_TIMEOUT_MS,
    );
  });

  describe('restart of the shared PostgreSQL or NATS; the services reconnect on their own', () => {
    const pids = () => SERVICES.map((s) => system.pid(s.name));

    /** Every service answers /ready (its database and broker checks) again. */
    const allReady = () =>
      waitFor(
        async () => {
          const answers = await Promise.all(
            SERVICES.map((s) =>
              fetch(`http://127.0.0.1:${system.ports[s.name]}/ready`).then((r) => r.status),
            ),
          );
          return answers.every((status) => status === 200);
        },
        { timeoutMs: 60_000, message: 'a service never became ready again' },
      );

    async function restartMidBurst(restart: () => Promise<void>): Promise<void> {
      const before = pids();
      const { burst, atDisruption } = await disruptBurst(
        RESTART_BURST,
        (b) => probe.recorded(b),
        async () => {
          try {
            await restart();
          } finally {
            await ensureInfrastructureUp();
          }
        },
      );
      expect(atDisruption).toBeLessThan(burst.events.length);
      await allReady();
      expect(pids()).toEqual(before);
      expect(await probe.violations(burst)).toEqual([]);
    }

    it('NATS restarts mid-burst', () => restartMidBurst(restartNats), TEST_TIMEOUT_MS);

    // Once, in a fresh-clone CI run, leads stopped consuming and relaying after this restart while answering
    // ready; not reproduced since (40 restarts in a loop, 4 runs of this file). A stalled consumer or relay now
    // reports itself unready (MESSAGING_STALL_TIMEOUT_MS), and a failure here prints each service's state.
    it('PostgreSQL restarts mid-burst', () => restartMidBurst(restartPostgres), TEST_TIMEOUT_MS);
  });
});
