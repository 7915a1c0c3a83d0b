import { randomUUID } from 'node:crypto';
import { Queries, toPage } from '@crm/contracts';
import { AccessTokens } from './support/access-tokens';
import { GatewayHarness, type ApiResponse } from './support/gateway-harness';
import { validIngestEvent } from './support/ingest-events';
import { RpcResponders } from './support/rpc-responders';

const JWT_SECRET = 'rate-limit-test-secret-0123456789abcdef';
const KEY_A = 'rate-limit-key-a-000001';
const KEY_B = 'rate-limit-key-b-000002';
const INGEST_KEY = 'rate-limit-ingest-key-03';
/** One prefix for both gateways of this run: they must share the windows; no other run may. */
const REDIS_KEY_PREFIX = `crm:test:rl:${randomUUID()}:`;
const ENV = {
  API_KEYS: `${KEY_A}:api:events:write+read+write, ${KEY_B}:api:events:write+read+write, ${INGEST_KEY}:website`,
  JWT_SECRET,
  REDIS_KEY_PREFIX,
  RATE_LIMIT_USER_PER_MINUTE: '4',
  RATE_LIMIT_API_KEY_PER_MINUTE: '3',
  RATE_LIMIT_INGEST_PER_MINUTE: '5',
  RATE_LIMIT_AUTH_PER_MINUTE: '2',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '2',
};

let gw: GatewayHarness;
let other: GatewayHarness;
const tokens = new AccessTokens(JWT_SECRET);
const responders = new RpcResponders(() => gw);

const listOrganizations = (headers: Record<string, string>) =>
  gw.request('/api/v1/organizations', { headers });
const fromIp = (ip: string) => ({ 'x-forwarded-for': ip });
const ingest = (key: string) =>
  gw.request('/api/v1/events/ingest', {
    method: 'POST',
    body: validIngestEvent(),
    headers: { 'x-api-key': key },
  });

function limitHeaders(response: ApiResponse) {
  return {
    limit: response.headers.get('x-ratelimit-limit'),
    remaining: response.headers.get('x-ratelimit-remaining'),
  };
}

beforeAll(async () => {
  gw = await GatewayHarness.start(ENV);
  other = await GatewayHarness.start(ENV);
  await responders.answer(Queries.LeadsListOrganizations, () => toPage([], 0, 1, 20));
});

afterAll(async () => {
  responders.stopAll();
  await other?.close();
  await gw?.close();
});

describe('rate limits per principal (api.md §1.5)', () => {
  it('counts a member down in the headers, then answers 429 RATE_LIMIT_EXCEEDED with Retry-After', async () => {
    const member = tokens.bearer();
    const before = Math.floor(Date.now() / 1000);
    const allowed: ApiResponse[] = [];
    for (let i = 0; i < 4; i++) allowed.push(await listOrganizations(member));

    expect(allowed.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(allowed.map(limitHeaders)).toEqual(
      ['3', '2', '1', '0'].map((remaining) => ({ limit: '4', remaining })),
    );
    const reset = Number(allowed[0].headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThanOrEqual(before);
    expect(reset).toBeLessThanOrEqual(before + 61);

    const refused = await listOrganizations(member);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({
      code: 'RATE_LIMIT_EXCEEDED',
      details: { retry_after: expect.any(Number) },
    });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(retryAfter).toBe(refused.body.error.details.retry_after);
    expect(limitHeaders(refused)).toEqual({ limit: '4', remaining: '0' });
  });

  it('keeps members, API keys and IPs apart', async () => {
    const [first, second] = [tokens.bearer(), tokens.bearer()];
    for (let i = 0; i < 4; i++) await listOrganizations(first);
    expect((await listOrganizations(first)).status).toBe(429);
    const secondMember = await listOrganizations(second);
    expect(secondMember.status).toBe(200);
    expect(limitHeaders(secondMember)).toEqual({ limit: '4', remaining: '3' });

    for (let i = 0; i < 3; i++) expect((await listOrganizations({ 'x-api-key': KEY_A })).status).toBe(200);
    expect((await listOrganizations({ 'x-api-key': KEY_A })).status).toBe(429);
    const keyB = await listOrganizations({ 'x-api-key': KEY_B });
    expect(keyB.status).toBe(200);
    expect(limitHeaders(keyB)).toEqual({ limit: '3', remaining: '2' });

    const ipA = fromIp(`10.1.${Math.floor(Math.random() * 250)}.1`);
    expect((await gw.request('/api/v1', { headers: ipA })).status).toBe(200);
    expect((await gw.request('/api/v1', { headers: ipA })).status).toBe(200);
    expect((await gw.request('/api/v1', { headers: ipA })).status).toBe(429);
    const ipB = await gw.request('/api/v1', { headers: fromIp('10.2.0.1') });
    expect(ipB.status).toBe(200);
    expect(limitHeaders(ipB)).toEqual({ limit: '2', remaining: '1' });
  });

  it('limits sign-in attempts per IP and email, before the password is even checked', async () => {
    const email = `eve.${randomUUID().slice(0, 8)}@dna-me.example`;
    const login = (address: string) =>
      gw.request('/api/v1/auth/login', {
        method: 'POST',
        body: { email: address, password: 'wrong password' },
        headers: fromIp('10.3.0.1'),
      });
    expect((await login(email)).status).toBe(401);
    expect((await login(email.toUpperCase())).status).toBe(401);
    const refused = await login(email);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
    expect((await login(`other.${email}`)).status).toBe(401);
  });

  it('never limits /health', async () => {
    for (let i = 0; i < 4; i++) {
      const health = await gw.request('/health', { headers: fromIp('10.4.0.1') });
      expect(health.status).toBe(200);
      expect(health.headers.get('x-ratelimit-limit')).toBeNull();
    }
  });

  it('gives ingest keys the ingest default, or their own rate_limit_per_minute, where null means unlimited', async () => {
    const admin = tokens.bearer('admin');
    const create = (body: Record<string, unknown>) =>
      gw.request('/api/v1/api-keys', {
        method: 'POST',
        headers: admin,
        body: { name: `k-${randomUUID()}`, source: 'website', ...body },
      });
    const limited = await create({ rate_limit_per_minute: 2 });
    const unlimited = await create({ rate_limit_per_minute: null });
    expect(limited.body.rate_limit_per_minute).toBe(2);
    expect(unlimited.body.rate_limit_per_minute).toBeNull();
    const listed = await gw.request('/api/v1/api-keys', { headers: admin });
    const envKey = listed.body.data.find((k: any) => k.source === 'website' && k.name.startsWith('API_KEYS'));
    expect(envKey.rate_limit_per_minute).toBe(5);

    const own = [await ingest(limited.body.key), await ingest(limited.body.key)];
    expect(own.map((r) => [r.status, r.headers.get('x-ratelimit-limit')])).toEqual([
      [202, '2'],
      [202, '2'],
    ]);
    expect((await ingest(limited.body.key)).status).toBe(429);

    const byDefault = await ingest(INGEST_KEY);
    expect(byDefault.status).toBe(202);
    expect(limitHeaders(byDefault)).toEqual({ limit: '5', remaining: '4' });

    for (let i = 0; i < 7; i++) {
      const free = await ingest(unlimited.body.key);
      expect(free.status).toBe(202);
      expect(free.headers.get('x-ratelimit-limit')).toBeNull();
    }
  });

  it('shares one window between gateway instances on the same Redis', async () => {
    const ip = fromIp('10.5.0.1');
    expect((await gw.request('/api/v1', { headers: ip })).status).toBe(200);
    const second = await other.request('/api/v1', { headers: ip });
    expect(second.status).toBe(200);
    expect(limitHeaders(second)).toEqual({ limit: '2', remaining: '0' });
    expect((await gw.request('/api/v1', { headers: ip })).status).toBe(429);
    expect((await other.request('/api/v1', { headers: ip })).status).toBe(429);
  });
});

describe('when Redis is down', () => {
  let offline: GatewayHarness;

  beforeAll(async () => {
    // Nothing listens on port 1: the gateway starts anyway.
    offline = await GatewayHarness.start({ ...ENV, REDIS_URL: 'redis://127.0.0.1:1' });
  });

  afterAll(async () => {
    await offline?.close();
  });

  it('serves without limits, reports redis down in /health (degraded), and refuses idempotent POSTs with 503', async () => {
    for (let i = 0; i < 3; i++) {
      const index = await offline.request('/api/v1', { headers: fromIp('10.6.0.1') });
      expect(index.status).toBe(200);
      expect(index.headers.get('x-ratelimit-limit')).toBeNull();
    }

    const health = await offline.request('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.services).toMatchObject({ database: true, nats: true, redis: false });

    const admin = tokens.bearer('admin');
    const withKey = await offline.request('/api/v1/auth/logout', {
      method: 'POST',
      headers: { ...admin, 'idempotency-key': 'logout-1' },
      body: { all: true },
    });
    expect(withKey.status).toBe(503);
    expect(withKey.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(withKey.headers.get('retry-after')).toBe('5');
    const withoutKey = await offline.request('/api/v1/auth/logout', {
      method: 'POST',
      headers: admin,
      body: { all: true },
    });
    expect(withoutKey.status).toBe(204);
  });
});
