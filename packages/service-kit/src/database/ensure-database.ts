import { Client } from 'pg';
import { clientTimeoutOptions, DEFAULT_DATABASE_TIMEOUTS, type DatabaseTimeouts } from './database-timeouts';

/** Creates the database named in `url` when it does not exist yet (first start on a fresh machine). */
export async function ensureDatabaseExists(
  url: string,
  timeouts: DatabaseTimeouts = DEFAULT_DATABASE_TIMEOUTS,
): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error('DATABASE_URL must name a database of [A-Za-z0-9_]');
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), ...clientTimeoutOptions(timeouts) });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } catch (error) {
      // Another service created it at the same moment.
      const code = (error as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw error;
    }
  } finally {
    await client.end();
  }
}
