import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** Prefixes end up in SQL identifiers, so keep them to a safe, unquoted-identifier alphabet. */
const PREFIX_PATTERN = /^[a-z_][a-z0-9_]*$/;
/** PostgreSQL truncates identifiers beyond 63 bytes, which would break the embedded timestamp. */
const MAX_IDENTIFIER_LENGTH = 63;
/** SQLSTATE 55006: "database is being accessed by other users" (a pool reconnected between terminate and drop). */
const OBJECT_IN_USE = '55006';

export interface TestDatabase {
  name: string;
  url: string;
  /** Terminates open connections, then drops the database. Safe to call twice. */
  drop(): Promise<void>;
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
    throw new Error(`database name ${name} exceeds ${MAX_IDENTIFIER_LENGTH} characters; use a shorter prefix`);
  }
  const adminUrl = testDatabaseAdminUrl();
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: () => dropDatabase(adminUrl, name),
  };
}

/**
 * Drops databases left behind by crashed runs: those named `<prefix>_<epoch ms>_<random>` whose
 * timestamp is older than `olderThanMs`. Returns the dropped names.
 */
export async function dropStaleTestDatabases(prefix = 'crm_test', olderThanMs = 60 * 60 * 1000): Promise<string[]> {
  assertPrefix(prefix);
  const adminUrl = testDatabaseAdminUrl();
  const pattern = new RegExp(`^${prefix}_(\\d{13})_[a-z0-9]+$`);
  const cutoff = Date.now() - olderThanMs;
  const { rows } = await withAdminClient(adminUrl, (client) =>
    client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE NOT datistemplate'),
  );
  const stale = rows
    .map((row) => row.datname)
    .filter((name) => {
      const match = pattern.exec(name);
      return match !== null && Number(match[1]) < cutoff;
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
