import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { GatewayHarness } from './support/gateway-harness';

const ENV_KEY = 'api-key-admin-env-key-all-scopes';
const JWT_SECRET = 'api-key-admin-test-secret-0123456789abcdef';

let gw: GatewayHarness;
const jwt = new JwtService({ secret: JWT_SECRET });
const adminId = randomUUID();
const as = (role: string) => ({
  authorization: `Bearer ${jwt.sign({ sub: adminId, email: 'root@dna-me.example', role, typ: 'access' }, { expiresIn: 600 })}`,
});
const admin = as('admin');

/** A key works where `/api/v1/events/ingest` accepts it (201/202), or is refused with 401. */
const ingestWith = (key: string) =>
  gw.request('/api/v1/events/ingest', {
    method: 'POST',
    headers: { 'x-api-key': key },
    body: {
      event_type: 'page_visited',
      source: 'website',
      occurred_at: new Date().toISOString(),
      lead_identifier: { email: `k.${randomUUID().slice(0, 8)}@lab.example` },
    },
  });

beforeAll(async () => {
  gw = await GatewayHarness.start({
    API_KEYS: `${ENV_KEY}:api:events:write+read+write`,
    JWT_SECRET,
    // Every request looks the key up again: revocation and rotation show at once.
    API_KEY_CACHE_TTL_MS: '0',
  });
});

afterAll(async () => {
  await gw?.close();
});

describe('API key management (api.md §3.1)', () => {
  it('creates a key shown once (stored as its SHA-256 only) that authenticates at once', async () => {
    const created = await gw.request('/api/v1/api-keys', {
      method: 'POST',
      headers: admin,
      body: { name: 'Waalaxy sync', source: 'waalaxy', scopes: ['events:write', 'read'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Waalaxy sync',
      kind: 'api_key',
      source: 'waalaxy',
      allowed_sources: ['waalaxy'],
      scopes: ['events:write', 'read'],
      prefix: expect.stringMatching(/^dnak_[A-Za-z0-9]{8}$/),
      is_active: true,
      rate_limit_per_minute: null,
      expires_at: null,
      last_used_at: null,
      created_at: expect.any(String),
      created_by: adminId,
      key: expect.stringMatching(/^dnak_[A-Za-z0-9]{8}_[A-Za-z0-9]{32}$/),
    });
    const key: string = created.body.key;
    expect(key.startsWith(created.body.prefix)).toBe(true);
    const stored = await gw.sql<{ key_hash: string }>(`SELECT key_hash FROM gateway.api_keys WHERE id = $1`, [
      created.body.id,
    ]);
    expect(stored[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(key);

    // The key may send waalaxy events only, and read.
    const listed = await gw.request('/api/v1/api-keys', { headers: admin });
    expect(listed.body.data.find((k: { id: string }) => k.id === created.body.id)).not.toHaveProperty('key');
    expect((await gw.request('/api/v1/api-keys', { headers: { 'x-api-key': key } })).status).toBe(403);
    expect((await ingestWith(key)).status).toBe(403); // source website is not allowed for this key
  });

  it('rotates with a grace period: both keys work until it ends; without one the old key stops at once', async () => {
    const created = await gw.request('/api/v1/api-keys', {
      method: 'POST',
      headers: admin,
      body: { name: 'Website', source: 'website' },
    });
    const oldKey: string = created.body.key;
    expect((await ingestWith(oldKey)).status).toBe(202);

    const rotated = await gw.request(`/api/v1/api-keys/${created.body.id}/rotate`, {
      method: 'POST',
      headers: admin,
      body: { grace_seconds: 3600 },
    });
    expect(rotated.status).toBe(201);
    const newKey: string = rotated.body.key;
    expect(newKey).not.toBe(oldKey);
    expect((await ingestWith(newKey)).status).toBe(202);
    expect((await ingestWith(oldKey)).status).toBe(202);

    const again = await gw.request(`/api/v1/api-keys/${created.body.id}/rotate`, {
      method: 'POST',
      headers: admin,
      body: {},
    });
    expect((await ingestWith(again.body.key)).status).toBe(202);
    for (const stale of [oldKey, newKey]) {
      const refused = await ingestWith(stale);
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('INVALID_API_KEY');
    }
  });

  it('revokes a key (it stops at once); unknown ids 404; only admins manage keys; bad bodies 400', async () => {
    const created = await gw.request('/api/v1/api-keys', {
      method: 'POST',
      headers: admin,
      body: {
        name: 'Temp',
        source: 'website',
        expires_at: '2030-01-01T00:00:00Z',
        rate_limit_per_minute: 60,
      },
    });
    expect(created.body).toMatchObject({ expires_at: '2030-01-01T00:00:00.000Z', rate_limit_per_minute: 60 });
    expect(
      (await gw.request(`/api/v1/api-keys/${created.body.id}`, { method: 'DELETE', headers: admin })).status,
    ).toBe(204);
    expect((await ingestWith(created.body.key)).status).toBe(401);
    const listed = await gw.request('/api/v1/api-keys', { headers: admin });
    expect(listed.body.data.find((k: { id: string }) => k.id === created.body.id).is_active).toBe(false);

    expect(
      (await gw.request(`/api/v1/api-keys/${randomUUID()}`, { method: 'DELETE', headers: admin })).status,
    ).toBe(404);
    for (const headers of [as('marketing_manager'), { 'x-api-key': ENV_KEY }]) {
      expect((await gw.request('/api/v1/api-keys', { headers })).status).toBe(403);
    }
    for (const body of [
      {},
      { name: 'x', source: 'website', scopes: ['admin'] },
      { name: 'x', source: 'website', scopes: [] },
      { name: 'x', source: 'website', kind: 'oauth_client' },
      { name: '', source: 'website' },
    ]) {
      const bad = await gw.request('/api/v1/api-keys', { method: 'POST', headers: admin, body });
      expect({ body, status: bad.status }).toEqual({ body, status: 400 });
    }
  });
});
