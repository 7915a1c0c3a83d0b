import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { testDatabaseAdminUrl } from '../db/test-database';
import { startInProcessService } from './in-process-service';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const RECORDED_VARIABLES = [
  'DATABASE_URL',
  'NATS_URL',
  'NATS_NAMESPACE',
  'FAKE_PORT',
  'MESSAGING_BACKOFF_SCALE',
  'LOG_LEVEL',
  'EXTRA',
  'REMOVE_ME',
] as const;

type SeenEnv = Partial<Record<(typeof RECORDED_VARIABLES)[number], string>>;

/** Stands in for a service: records the environment it was started with and counts close() calls. */
class FakeApp {
  closed = 0;
  constructor(readonly env: SeenEnv) {}
  async close(): Promise<void> {
    this.closed++;
  }
}

function seenEnv(): SeenEnv {
  const seen: SeenEnv = {};
  for (const key of RECORDED_VARIABLES) if (process.env[key] !== undefined) seen[key] = process.env[key];
  return seen;
}

/** Like a service would: creates a stream in the namespace it was given. */
async function createNamespaceStream(): Promise<string> {
  const namespace = process.env.NATS_NAMESPACE!;
  const name = `${namespace.toUpperCase()}_PROBE`;
  const nc = await connect({ servers: NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name, subjects: [`${namespace}.probe.>`] });
  } finally {
    await nc.close();
  }
  return name;
}

async function streamExists(name: string): Promise<boolean> {
  const nc = await connect({ servers: NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const info of jsm.streams.list()) if (info.config.name === name) return true;
    return false;
  } finally {
    await nc.close();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  const admin = new Client({ connectionString: testDatabaseAdminUrl() });
  await admin.connect();
  try {
    return (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await admin.end();
  }
}

describe('startInProcessService', () => {
  let saved: NodeJS.ProcessEnv;

  beforeEach(() => {
    saved = { ...process.env };
    delete process.env.LOG_LEVEL;
    process.env.REMOVE_ME = 'still here';
  });
  afterEach(() => {
    process.env = saved;
  });

  it('bootstraps with the environment set, and stop() closes the app, drops the database and deletes the streams', async () => {
    let stream = '';
    const service = await startInProcessService({
      name: 'inproc',
      portEnv: 'FAKE_PORT',
      natsUrl: NATS_URL,
      env: { EXTRA: 'yes', REMOVE_ME: undefined },
      bootstrap: async () => {
        stream = await createNamespaceStream();
        return new FakeApp(seenEnv());
      },
    });

    expect(service.namespace).toMatch(/^inproc_[0-9a-z]+_[0-9a-z]+$/);
    expect(service.db.name).toMatch(/^inproc_\d{13}_[0-9a-f]{8}$/);
    expect(service.natsUrl).toBe(NATS_URL);
    expect(service.app.env).toEqual({
      DATABASE_URL: service.db.url,
      NATS_URL,
      NATS_NAMESPACE: service.namespace,
      FAKE_PORT: String(service.port),
      MESSAGING_BACKOFF_SCALE: '0.01',
      LOG_LEVEL: 'warn',
      EXTRA: 'yes',
    });
    expect(await databaseExists(service.db.name)).toBe(true);
    expect(await streamExists(stream)).toBe(true);

    const order: string[] = [];
    await service.stop(async () => {
      order.push(`after close (closed ${service.app.closed})`);
      // The database still exists here, so test-side clients can be closed cleanly.
      order.push(`database exists: ${await databaseExists(service.db.name)}`);
    });
    await service.stop(); // a second call does nothing more

    expect(order).toEqual(['after close (closed 1)', 'database exists: true']);
    expect(service.app.closed).toBe(1);
    expect(await databaseExists(service.db.name)).toBe(false);
    expect(await streamExists(stream)).toBe(false);
  });

  it('keeps a LOG_LEVEL already set and lets options replace the defaults', async () => {
    process.env.LOG_LEVEL = 'debug';
    const service = await startInProcessService({
      name: 'inproc',
      dbPrefix: 'crm_inproc',
      portEnv: 'FAKE_PORT',
      backoffScale: 0.001,
      env: { NATS_NAMESPACE: 'replaced' },
      bootstrap: async () => new FakeApp(seenEnv()),
    });
    try {
      expect(service.db.name.startsWith('crm_inproc_')).toBe(true);
      expect(service.app.env).toMatchObject({
        LOG_LEVEL: 'debug',
        MESSAGING_BACKOFF_SCALE: '0.001',
        NATS_NAMESPACE: 'replaced',
        REMOVE_ME: 'still here',
      });
    } finally {
      await service.stop();
    }
  });

  it('removes the database and streams and rethrows when bootstrap fails', async () => {
    let databaseName = '';
    let stream = '';
    const failure = new Error('bootstrap failed');
    await expect(
      startInProcessService({
        name: 'inproc',
        portEnv: 'FAKE_PORT',
        bootstrap: async (): Promise<FakeApp> => {
          databaseName = new URL(process.env.DATABASE_URL!).pathname.slice(1);
          stream = await createNamespaceStream();
          throw failure;
        },
      }),
    ).rejects.toBe(failure);

    expect(await databaseExists(databaseName)).toBe(false);
    expect(await streamExists(stream)).toBe(false);
  });

  it('still cleans up when closing the app fails, then rejects with that failure', async () => {
    const failure = new Error('close failed');
    const service = await startInProcessService({
      name: 'inproc',
      portEnv: 'FAKE_PORT',
      bootstrap: async () => ({ close: () => Promise.reject(failure) }),
    });
    const afterAppClose = jest.fn(async () => undefined);

    await expect(service.stop(afterAppClose)).rejects.toBe(failure);
    expect(afterAppClose).toHaveBeenCalledTimes(1);
    expect(await databaseExists(service.db.name)).toBe(false);
  });
});
