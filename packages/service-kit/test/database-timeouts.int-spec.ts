import type { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { createTestDatabase, waitFor, type TestDatabase } from '@crm/testing';
import { Client, type Pool } from 'pg';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import {
  createDataSource,
  initializeDatabase,
  type DatabaseModuleOptions,
} from '../src/database/database.module';
import { DEFAULT_DATABASE_TIMEOUTS, type DatabaseTimeouts } from '../src/database/database-timeouts';
import { ensureDatabaseExists } from '../src/database/ensure-database';

const SCHEMA = 'timeouts_probe';
/** Short limits, so what they cut off shows within a second. */
const SHORT = 250;

/** Runs longer than SHORT both in one statement and idle inside its transaction; signals when it has begun. */
class SlowMigration1790000000000 implements MigrationInterface {
  name = 'SlowMigration1790000000000';
  static started: () => void = () => undefined;
  async up(runner: QueryRunner): Promise<void> {
    SlowMigration1790000000000.started();
    await runner.query(`CREATE TABLE "${SCHEMA}".slow (id int)`);
    await runner.query(`SELECT pg_sleep(${(SHORT * 3) / 1000})`);
    await new Promise((resolve) => setTimeout(resolve, SHORT * 3));
    await runner.query(`INSERT INTO "${SCHEMA}".slow VALUES (1)`);
  }
  async down(): Promise<void> {}
}

const withSlowMigration: DatabaseModuleOptions = {
  schema: SCHEMA,
  entities: [],
  migrations: [SlowMigration1790000000000],
};
const withoutMigrations: DatabaseModuleOptions = { schema: SCHEMA, entities: [], migrations: [] };

function timeouts(overrides: Partial<DatabaseTimeouts>): DatabaseTimeouts {
  return { ...DEFAULT_DATABASE_TIMEOUTS, ...overrides };
}

describe('database timeouts (real PostgreSQL)', () => {
  let db: TestDatabase;
  const dataSources: DataSource[] = [];

  beforeEach(async () => {
    db = await createTestDatabase('crm_kit');
  });
  afterEach(async () => {
    // Pools first, then the database: nothing may still hold a connection when it is dropped.
    for (const dataSource of dataSources.splice(0)) {
      if (dataSource.isInitialized) await dataSource.destroy();
    }
    await db.drop();
  });

  async function start(options: DatabaseModuleOptions, poolSize: number, limits: DatabaseTimeouts) {
    const dataSource = createDataSource(db.url, options, poolSize, limits);
    dataSources.push(dataSource);
    await initializeDatabase(dataSource, db.url, options.schema, limits);
    return dataSource;
  }

  async function backendAlive(pid: number): Promise<boolean> {
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      return (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 1;
    } finally {
      await admin.end();
    }
  }

  it('cancels a statement running longer than the statement timeout with 57014; the connection stays usable', async () => {
    const dataSource = await start(withoutMigrations, 1, timeouts({ statementMs: SHORT }));

    await expect(dataSource.query('SELECT pg_sleep(30)')).rejects.toMatchObject({
      code: '57014',
      message: 'canceling statement due to statement timeout',
    });
    expect(await dataSource.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('ends a session whose transaction sits idle longer than the idle-in-transaction timeout; nothing commits', async () => {
    const dataSource = await start(withoutMigrations, 1, timeouts({ idleInTransactionMs: SHORT }));
    await dataSource.query(`CREATE TABLE "${SCHEMA}".idle (id int)`);

    let pid = 0;
    let ended: unknown;
    const transaction = dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO "${SCHEMA}".idle VALUES (1)`);
      [{ pid }] = await manager.query('SELECT pg_backend_pid() AS pid');
      const session = (await manager.queryRunner!.connect()) as EventEmitter;
      session.once('error', (error) => (ended = error));
      // Idle inside the transaction until PostgreSQL has ended the session.
      await waitFor(async () => ended !== undefined && !(await backendAlive(pid)), {
        timeoutMs: 20_000,
        message: `backend ${pid} ended by idle_in_transaction_session_timeout`,
      });
      await manager.query('SELECT 1');
    });

    await expect(transaction).rejects.toThrow(/already released/);
    expect(ended).toMatchObject({
      code: '25P03',
      message: 'terminating connection due to idle-in-transaction timeout',
    });
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM "${SCHEMA}".idle`)).toEqual([{ n: 0 }]);
  });

  it('fails to acquire from an exhausted pool after the acquire timeout instead of waiting forever', async () => {
    const dataSource = await start(withoutMigrations, 1, timeouts({ poolAcquireMs: SHORT }));
    const holder = dataSource.createQueryRunner();
    await holder.connect();
    try {
      await expect(dataSource.query('SELECT 1')).rejects.toThrow('timeout exceeded when trying to connect');
    } finally {
      await holder.release();
    }
    expect(await dataSource.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('survives the server ending a pooled connection nobody is listening on (a PostgreSQL restart), and the pool goes on', async () => {
    const dataSource = await start(withoutMigrations, 2, DEFAULT_DATABASE_TIMEOUTS);
    const pool = (dataSource.driver as unknown as { master: Pool }).master;
    // Checked out: the pool no longer listens for the client's errors, and no query runner does yet.
    const client = await pool.connect();
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await admin.end();
    // 57P01 arrives as an 'error' event: without a listener of its own the client would throw it out of the
    // event loop and end the process (and this test run).
    await ended;
    client.release(true);
    expect(await dataSource.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('gives up opening a connection to a server that never answers after the connect timeout', async () => {
    const silent = await silentServer();
    try {
      const url = `postgres://postgres@127.0.0.1:${silent.port}/crm`;
      // The acquire timeout is far longer: the failure below comes from the connect timeout.
      const limits = timeouts({ connectMs: SHORT, poolAcquireMs: 600_000 });
      const dataSource = createDataSource(url, withoutMigrations, 1, limits);
      await expect(dataSource.initialize()).rejects.toThrow(/timeout/i);
      await expect(ensureDatabaseExists(url, limits)).rejects.toThrow(/timeout/i);
      expect(silent.connections()).toBe(2);
    } finally {
      await silent.close();
    }
  });

  it('runs migrations without the statement and idle-in-transaction limits, and keeps them for every pooled session', async () => {
    const limits = timeouts({ statementMs: SHORT, idleInTransactionMs: SHORT });
    const dataSource = await start(withSlowMigration, 1, limits);

    expect(await dataSource.query(`SELECT id FROM "${SCHEMA}".slow`)).toEqual([{ id: 1 }]);
    expect(await dataSource.query(`SELECT name FROM "${SCHEMA}".migrations`)).toEqual([
      { name: 'SlowMigration1790000000000' },
    ]);
    // The pool's only connection after migrating still has the service's limits.
    expect(await dataSource.query('SHOW statement_timeout')).toEqual([{ statement_timeout: `${SHORT}ms` }]);
    expect(await dataSource.query('SHOW idle_in_transaction_session_timeout')).toEqual([
      { idle_in_transaction_session_timeout: `${SHORT}ms` },
    ]);
  });

  it('lets a second instance wait for the migration lock longer than the statement timeout', async () => {
    const limits = timeouts({ statementMs: SHORT, idleInTransactionMs: SHORT });
    const begun = new Promise<void>((resolve) => (SlowMigration1790000000000.started = resolve));
    const first = start(withSlowMigration, 1, limits);
    await begun;
    const second = start(withSlowMigration, 1, limits);

    const [a, b] = await Promise.all([first, second]);
    expect(await b.query(`SELECT count(*)::int AS n FROM "${SCHEMA}".migrations`)).toEqual([{ n: 1 }]);
    expect(await a.query(`SELECT id FROM "${SCHEMA}".slow`)).toEqual([{ id: 1 }]);
  });
});

/** A TCP server that accepts connections and never says a word, like a hung database host. */
async function silentServer(): Promise<{ port: number; connections(): number; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined); // the client hangs up on us; that is the point
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  let accepted = 0;
  server.on('connection', () => accepted++);
  return {
    port: address.port,
    connections: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
