import { Client } from 'pg';
import { createTestDatabase, dropStaleTestDatabases, testDatabaseAdminUrl } from './test-database';

async function databaseExists(name: string): Promise<boolean> {
  const admin = new Client({ connectionString: testDatabaseAdminUrl() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await admin.end();
  }
}

describe('createTestDatabase', () => {
  it('creates a uniquely named, connectable database and drops it even with open connections', async () => {
    const db = await createTestDatabase();
    expect(db.name).toMatch(/^crm_test_\d{13}_[0-9a-f]{8}$/);
    expect(db.url).toBe(`postgres://postgres@127.0.0.1:5432/${db.name}`);
    expect(await databaseExists(db.name)).toBe(true);

    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    expect(rows).toEqual([{ db: db.name }]);
    // Keep this connection open: drop() must terminate it.
    client.on('error', () => undefined);

    await db.drop();
    expect(await databaseExists(db.name)).toBe(false);
    await db.drop(); // idempotent
    await client.end().catch(() => undefined);
  });

  it('gives concurrent callers distinct databases and honours the prefix', async () => {
    const dbs = await Promise.all([createTestDatabase('crm_spec'), createTestDatabase('crm_spec')]);
    try {
      expect(dbs[0].name).not.toBe(dbs[1].name);
      for (const db of dbs) expect(db.name.startsWith('crm_spec_')).toBe(true);
    } finally {
      await Promise.all(dbs.map((db) => db.drop()));
    }
  });

  it('rejects prefixes that are not plain lowercase identifiers', async () => {
    await expect(createTestDatabase('Bad-Prefix')).rejects.toThrow(/prefix must match/);
    await expect(createTestDatabase('x'.repeat(50))).rejects.toThrow(/exceeds 63 characters/);
  });
});

describe('dropStaleTestDatabases', () => {
  it('drops only databases of the prefix whose embedded timestamp is older than the cutoff', async () => {
    const prefix = `crm_stale_${process.pid}`;
    const fresh = await createTestDatabase(prefix);
    const staleName = `${prefix}_${Date.now() - 2 * 60 * 60 * 1000}_deadbeef`;
    const admin = new Client({ connectionString: testDatabaseAdminUrl() });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${staleName}"`);
    } finally {
      await admin.end();
    }

    try {
      const dropped = await dropStaleTestDatabases(prefix, 60 * 60 * 1000);
      expect(dropped).toEqual([staleName]);
      expect(await databaseExists(staleName)).toBe(false);
      expect(await databaseExists(fresh.name)).toBe(true);
    } finally {
      await fresh.drop();
    }
  });
});
