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

async function createDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: testDatabaseAdminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
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
    // Keep this connection open: drop() must terminate it, and that is the only error it may see.
    const errors: unknown[] = [];
    client.on('error', (error) => errors.push(error));

    await db.drop();
    expect(await databaseExists(db.name)).toBe(false);
    await db.drop(); // idempotent
    await client.end().catch(() => undefined);
    expect(errors[0]).toMatchObject({ code: '57P01' });
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

describe('TestDatabase.pool', () => {
  it('is ended by drop() before the database is dropped, so its connections never see the drop', async () => {
    const db = await createTestDatabase('crm_pool');
    const pool = db.pool({ max: 2 });
    const errors: unknown[] = [];
    pool.on('error', (error) => errors.push(error));
    // Two idle connections stay in the pool.
    await Promise.all([pool.query('SELECT pg_sleep(0.05)'), pool.query('SELECT pg_sleep(0.05)')]);
    expect(pool.idleCount).toBe(2);

    await db.drop();

    expect(pool.ended).toBe(true);
    expect(errors).toEqual([]);
    expect(await databaseExists(db.name)).toBe(false);
  });

  it('leaves a pool its owner already ended alone', async () => {
    const db = await createTestDatabase('crm_pool');
    const pool = db.pool();
    await pool.query('SELECT 1');
    await pool.end();
    await expect(db.drop()).resolves.toBeUndefined();
    expect(await databaseExists(db.name)).toBe(false);
  });

  it('drops the database even if a client was never released, ignores its termination, and reports the leak', async () => {
    const db = await createTestDatabase('crm_pool');
    const pool = db.pool({ max: 1 });
    const leaked = await pool.connect();
    await leaked.query('SELECT 1');

    await expect(db.drop({ poolEndTimeoutMs: 200 })).rejects.toThrow(
      `test database ${db.name}: 1 pool(s) still had clients checked out when it was dropped`,
    );
    expect(await databaseExists(db.name)).toBe(false);
    // The leaked client's connection was terminated by the drop; that error was expected and swallowed.
    await expect(leaked.query('SELECT 1')).rejects.toThrow();
    leaked.release();
  });

  it('rethrows connection errors that are not the drop of its database', async () => {
    const db = await createTestDatabase('crm_pool');
    const pool = db.pool();
    try {
      const terminated = Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
      });
      // Emitted the way pg-pool reports an idle client's error: nobody is dropping the database yet.
      expect(() => pool.emit('error', terminated)).toThrow(terminated);
    } finally {
      await db.drop();
    }
    const late = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    expect(() => pool.emit('error', late)).not.toThrow();
    expect(() => pool.emit('error', new Error('something else'))).toThrow('something else');
  });
});

describe('dropStaleTestDatabases', () => {
  const HOUR = 60 * 60 * 1000;

  it('drops only databases of the prefix whose embedded timestamp is older than the cutoff', async () => {
    const prefix = `crm_stale_${process.pid}`;
    const fresh = await createTestDatabase(prefix);
    const staleName = `${prefix}_${Date.now() - 2 * HOUR}_deadbeef`;
    const otherPrefix = `crm_other_${process.pid}_${Date.now() - 2 * HOUR}_deadbeef`;
    await createDatabase(staleName);
    await createDatabase(otherPrefix);

    try {
      const dropped = await dropStaleTestDatabases({ prefix, olderThanMs: HOUR });
      expect(dropped).toEqual([staleName]);
      expect(await databaseExists(staleName)).toBe(false);
      expect(await databaseExists(fresh.name)).toBe(true);
      expect(await databaseExists(otherPrefix)).toBe(true);
    } finally {
      await fresh.drop();
      await dropStaleTestDatabases({ prefix: `crm_other_${process.pid}`, olderThanMs: HOUR });
    }
  });

  it('without a prefix, drops stale test databases of every prefix and nothing else', async () => {
    const fresh = await createTestDatabase(`leads_it_${process.pid}`);
    const stale = [
      `leads_it_${process.pid}_${Date.now() - 2 * HOUR}_0123abcd`,
      `crm_slack_${process.pid}_${Date.now() - 3 * HOUR}_89abcdef`,
    ];
    const notATestDatabase = `crm_keep_${process.pid}_${Date.now() - 2 * HOUR}`;
    for (const name of [...stale, notATestDatabase]) await createDatabase(name);

    try {
      const dropped = await dropStaleTestDatabases({ olderThanMs: HOUR });
      expect(dropped).toEqual(expect.arrayContaining(stale));
      expect(dropped).not.toContain(fresh.name);
      expect(dropped).not.toContain(notATestDatabase);
      for (const name of stale) expect(await databaseExists(name)).toBe(false);
      expect(await databaseExists(fresh.name)).toBe(true);
      expect(await databaseExists(notATestDatabase)).toBe(true);
    } finally {
      await fresh.drop();
      const admin = new Client({ connectionString: testDatabaseAdminUrl() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${notATestDatabase}"`).finally(() => admin.end());
    }
  });
});
