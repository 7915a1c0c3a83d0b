import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { Consumers, streamOf, type Subject } from '@crm/contracts';
import { freePort, setProcessEnv, waitFor } from '@crm/testing';
import { bootstrap } from '../../src/main';
import type { LeadsTestApp } from './leads-test-app';

type NatsConnection = Awaited<ReturnType<typeof connect>>;

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

function leadsConsumerOf(subject: Subject) {
  const consumer = Consumers.find((c) => c.service === 'leads' && c.subject === subject);
  if (!consumer) throw new Error(`leads has no consumer for ${subject}`);
  return consumer;
}

/** The JetStream view of one leads consumer in the test's namespace. */
class ConsumerProbe {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    private readonly durable: string,
  ) {}

  static async of(app: LeadsTestApp, subject: Subject): Promise<ConsumerProbe> {
    const nc = await connect({ servers: NATS_URL });
    const stream = `${app.namespace.toUpperCase()}_${streamOf(subject).name}`;
    return new ConsumerProbe(nc, await jetstreamManager(nc), stream, leadsConsumerOf(subject).durable);
  }

  info() {
    return this.jsm.consumers.info(this.stream, this.durable);
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}

/**
 * Holds a leads consumer inside one batch: the test locks a lead's row, then publishes a message whose handling
 * needs that row. While the handler waits, what the test publishes queues up in the consumer, and after
 * `release()` it is handled as ONE next batch (up to the batch size). Only a row lock is used, as any
 * concurrent writer of the lead would hold one.
 */
export class ConsumerHold {
  private constructor(
    private readonly db: Client,
    private readonly probe: ConsumerProbe,
  ) {}

  static async engage(
    app: LeadsTestApp,
    subject: Subject,
    leadId: string,
    publishBlocked: () => Promise<unknown>,
  ): Promise<ConsumerHold> {
    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    const hold = new ConsumerHold(db, await ConsumerProbe.of(app, subject));
    await db.query('BEGIN');
    await db.query('SELECT id FROM leads.leads WHERE id = $1 FOR UPDATE', [leadId]);
    await publishBlocked();
    await waitFor(
      async () => {
        const rows = await app.sql(
          `SELECT 1 FROM pg_stat_activity
            WHERE datname = $1 AND application_name = 'leads' AND wait_event_type = 'Lock'`,
          [app.databaseName],
        );
        return rows.length > 0;
      },
      { timeoutMs: 10_000, intervalMs: 20, message: 'leads consumer waiting for the held lead' },
    );
    return hold;
  }

  /** Resolves once the consumer holds `count` messages besides the blocked one, all delivered to the service. */
  async waitQueued(count: number): Promise<void> {
    await waitFor(
      async () => {
        const info = await this.probe.info();
        return info.num_pending === 0 && info.num_ack_pending >= count + 1;
      },
      { timeoutMs: 10_000, intervalMs: 20, message: `${count} messages queued in the consumer` },
    );
  }

  async release(): Promise<void> {
    try {
      await this.db.query('COMMIT');
    } finally {
      await this.db.end();
      await this.probe.close();
    }
  }
}

/**
 * Another leads instance in this process, on the same database and namespace as the one `LeadsTestApp`
 * started (its environment is still set); only the HTTP port differs. Close it before `LeadsTestApp.stop()`.
 */
export async function startAnotherLeadsInstance(): Promise<NestFastifyApplication> {
  setProcessEnv({ LEADS_PORT: String(await freePort()) });
  return bootstrap();
}
