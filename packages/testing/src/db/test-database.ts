import { randomBytes } from 'node:crypto';
import { Client, Pool, type PoolConfig } from 'pg';

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** Prefixes end up in SQL identifiers, so keep them to a safe, unquoted-identifier alphabet. */
const PREFIX_PATTERN = /^[a-z_][a-z0-9_]*$/;
/** PostgreSQL truncates identifiers beyond 63 bytes, which would break the embedded timestamp. */
const MAX_IDENTIFIER_LENGTH = 63;
/** SQLSTATE 55006: "database is being accessed by other users" (a pool reconnected between terminate and drop). */
const OBJECT_IN_USE = '55006';
/** SQLSTATE 57P01: "terminating connection due to administrator command", what pg_terminate_backend causes. */
const ADMIN_SHUTDOWN = '57P01';
/** What pg reports when the server closed a connection the client did not end. */
const TERMINATED_UNEXPECTEDLY = 'Connection terminated unexpectedly';
/** How long drop() waits for its pools to end before it terminates what they still hold. */
const POOL_END_TIMEOUT_MS = 5_000;

export interface TestDatabase {
  name: string;
  url: string;
  /**
   * A pg Pool on this database that `drop()` ends before dropping it. Errors of its connections are ignored only
   * when they are the drop's own termination of them; any other error is rethrown, as pg would without a listener.
   */
  pool(config?: Omit<PoolConfig, 'connectionString'>): Pool;
  /**
   * Ends the pools from `pool()`, terminates any connection still open, then drops the database. Rejects after
   * dropping if a pool still had clients checked out (a test leaked them). Safe to call twice.
   */
  drop(options?: { poolEndTimeoutMs?: number }): Promise<void>;
}

/** Admin connection string; `TEST_DATABASE_ADMIN_URL` overrides the local default. */
export function testDatabaseAdminUrl(): string {
  return process.env.TEST_DATABASE_ADMIN_URL || DEFAULT_ADMIN_URL;
}

/** Creates an empty database named `<prefix>_<epoch ms>_<random>` so parallel test runs never collide. */
export async function createTestDatabase(prefix = 'crm_test'): Promise<TestDatabase> {
  assertPrefix(prefix);
  const name = `${prefix}_${Date.now()}_${randomBytes(4).toString('hex')}`;
  if (name.length > MAX_IDENTIFIER_LENGTH) {
    throw new Error(
      `database name ${name} exceeds ${MAX_IDENTIFIER_LENGTH} characters; use a shorter prefix`,
    );
  }
  const adminUrl = testDatabaseAdminUrl();
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
  const url = databaseUrl(adminUrl, name);
  const pools: Pool[] = [];
  let dropping = false;
  /** Swallows only what dropping this database does to its connections; rethrows everything else. */
  const onConnectionError = (error: Error & { code?: string }) => {
    if (dropping && (error.code === ADMIN_SHUTDOWN || error.message === TERMINATED_UNEXPECTEDLY)) return;
    throw error;
  };
  return {
    name,
    url,
    pool(config = {}) {
      const pool = new Pool({ ...config, connectionString: url });
      pool.on('error', onConnectionError); // idle clients
      pool.on('connect', (client) => client.on('error', onConnectionError)); // checked-out clients
      pools.push(pool);
      return pool;
    },
    async drop(options = {}) {
      dropping = true;
      const leaking = await endPools(pools, options.poolEndTimeoutMs ?? POOL_END_TIMEOUT_MS);
      await dropDatabase(adminUrl, name);
      if (leaking) {
        throw new Error(
          `test database ${name}: ${leaking} pool(s) still had clients checked out when it was dropped; ` +
            'release every client before dropping',
        );
      }
    },
  };
}

/** Ends every pool (also those already ending) within `timeoutMs`; returns how many did not finish. */
async function endPools(pools: Pool[], timeoutMs: number): Promise<number> {
  for (const pool of pools) {
    // end() rejects on a second call; a pool whose owner already ended it only needs to finish.
    if (!pool.ending) void pool.end().catch(() => undefined);
  }
  const deadline = Date.now() + timeoutMs;
  while (pools.some((pool) => !pool.ended) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return pools.filter((pool) => !pool.ended).length;
}

/** `<prefix>_<epoch ms>_<8 hex>`: how createTestDatabase names databases. */
const TEST_DATABASE_NAME = /^([a-z_][a-z0-9_]*)_(\d{13})_[0-9a-f]{8}$/;

export interface StaleTestDatabaseOptions {
  /** Only databases of this prefix; default: every prefix. */
  prefix?: string;
  /** Only databases created longer ago than this; default one hour, so running test runs keep theirs. */
  olderThanMs?: number;
}

/**
 * Drops databases left behind by crashed runs: those named the way createTestDatabase names them whose embedded
 * timestamp is older than `olderThanMs`. Returns the dropped names.
 */
export async function dropStaleTestDatabases(options: StaleTestDatabaseOptions = {}): Promise<string[]> {
  const { prefix, olderThanMs = 60 * 60 * 1000 } = options;
  if (prefix !== undefined) assertPrefix(prefix);
  const adminUrl = testDatabaseAdminUrl();
  const cutoff = Date.now() - olderThanMs;
  const { rows } = await withAdminClient(adminUrl, (client) =>
    client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE NOT datistemplate'),
  );
  const stale = rows
    .map((row) => row.datname)
    .filter((name) => {
      const match = TEST_DATABASE_NAME.exec(name);
      return match !== null && (prefix === undefined || match[1] === prefix) && Number(match[2]) < cutoff;
    });
  for (const name of stale) await dropDatabase(adminUrl, name);
  return stale;
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdminClient(adminUrl, async (client) => {
    // Services under test may still hold pooled connections (or reconnect), so retry a few times.
    for (let attempt = 1; ; attempt++) {
      await client.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
      try {
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== OBJECT_IN_USE || attempt >= 5) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  });
}

async function withAdminClient<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Same server and credentials as the admin URL, different database. */
function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function assertPrefix(prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(`test database prefix must match ${PREFIX_PATTERN}, got "${prefix}"`);
  }
}
