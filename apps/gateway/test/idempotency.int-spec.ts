import { randomUUID } from 'node:crypto';
import { ConflictError, DomainError, ErrorCode, Queries } from '@crm/contracts';
import { AccessTokens } from './support/access-tokens';
import { GatewayHarness } from './support/gateway-harness';
import { RpcResponders } from './support/rpc-responders';

const JWT_SECRET = 'idempotency-test-secret-0123456789abcdef';

let gw: GatewayHarness;
const tokens = new AccessTokens(JWT_SECRET);
const responders = new RpcResponders(() => gw);

const organization = (body: any) => ({ id: randomUUID(), ...body, created_at: new Date().toISOString() });

function createOrganization(headers: Record<string, string>, key: string, body: unknown) {
  return gw.request('/api/v1/organizations', {
    method: 'POST',
    headers: { ...headers, 'idempotency-key': key },
    body,
  });
}

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition never held');
}

beforeAll(async () => {
  gw = await GatewayHarness.start({ JWT_SECRET, RPC_TIMEOUT_MS: '3000' });
});

afterEach(() => responders.stopAll());

afterAll(async () => {
  await gw?.close();
});

describe('Idempotency-Key on POST (api.md §1.5)', () => {
  it('replays a 201 for the same key and body, with Idempotency-Replayed, without running it again', async () => {
    const leads = await responders.answer(Queries.LeadsCreateOrganization, (c) => organization(c.body));
    const member = tokens.bearer();
    const key = `org-${randomUUID()}`;

    const first = await createOrganization(member, key, { name: 'Acme' });
    const again = await createOrganization(member, key, { name: 'Acme' });

    expect(first.status).toBe(201);
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toContain('application/json');
    expect(again.text).toBe(first.text);
    expect(leads.calls).toHaveLength(1);

    // The key belongs to its principal: another member with the same key is a new request.
    const otherMember = await createOrganization(tokens.bearer(), key, { name: 'Acme' });
    expect(otherMember.status).toBe(201);
    expect(otherMember.headers.get('idempotency-replayed')).toBeNull();
    expect(leads.calls).toHaveLength(2);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body', async () => {
    const leads = await responders.answer(Queries.LeadsCreateOrganization, (c) => organization(c.body));
    const member = tokens.bearer();
    const key = `org-${randomUUID()}`;
    expect((await createOrganization(member, key, { name: 'Acme' })).status).toBe(201);

    const reused = await createOrganization(member, key, { name: 'Acme GmbH' });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(leads.calls).toHaveLength(1);
  });

  it('answers 409 IDEMPOTENCY_IN_PROGRESS with Retry-After 1 while the first request still runs', async () => {
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const leads = await responders.answer(Queries.LeadsCreateOrganization, async (c) => {
      await held;
      return organization(c.body);
    });
    const member = tokens.bearer();
    const key = `org-${randomUUID()}`;

    const first = createOrganization(member, key, { name: 'Slow' });
    await waitUntil(() => leads.calls.length === 1);
    const during = await createOrganization(member, key, { name: 'Slow' });
    expect(during.status).toBe(409);
    expect(during.body.error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(during.headers.get('retry-after')).toBe('1');

    finish();
    expect((await first).status).toBe(201);
    const after = await createOrganization(member, key, { name: 'Slow' });
    expect(after.status).toBe(201);
    expect(after.headers.get('idempotency-replayed')).toBe('true');
    expect(leads.calls).toHaveLength(1);
  });

  it('does not store a 5xx: the retry runs; a 4xx is stored and replayed', async () => {
    let calls = 0;
    const leads = await responders.answer(Queries.LeadsCreateOrganization, (c) => {
      calls++;
      if (calls === 1) throw new DomainError(ErrorCode.ServiceUnavailable, 'leads is restarting', 503);
      if (c.body.name === 'Taken')
        throw new ConflictError('Organization domain taken', { domain: 'x.example' });
      return organization(c.body);
    });
    const member = tokens.bearer();
    const key = `org-${randomUUID()}`;

    expect((await createOrganization(member, key, { name: 'Retry' })).status).toBe(503);
    const retried = await createOrganization(member, key, { name: 'Retry' });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotency-replayed')).toBeNull();
    expect(leads.calls).toHaveLength(2);

    const conflictKey = `org-${randomUUID()}`;
    const conflict = await createOrganization(member, conflictKey, { name: 'Taken' });
    const replayedConflict = await createOrganization(member, conflictKey, { name: 'Taken' });
    expect(conflict.status).toBe(409);
    expect(replayedConflict.status).toBe(409);
    expect(replayedConflict.headers.get('idempotency-replayed')).toBe('true');
    expect(replayedConflict.body).toEqual(conflict.body);
    expect(leads.calls).toHaveLength(3);
  });

  it('replays a 204 without a body', async () => {
    const member = tokens.bearer('admin');
    const logout = () =>
      gw.request('/api/v1/auth/logout', {
        method: 'POST',
        headers: { ...member, 'idempotency-key': 'logout-everywhere' },
        body: { all: true },
      });
    const first = await logout();
    const again = await logout();
    expect(first.status).toBe(204);
    expect(again.status).toBe(204);
    expect(again.text).toBe('');
    expect(again.headers.get('idempotency-replayed')).toBe('true');
  });

  it('refuses a malformed Idempotency-Key with 400 on any POST', async () => {
    const response = await createOrganization(tokens.bearer(), 'k'.repeat(256), { name: 'Acme' });
    expect(response.status).toBe(400);
    expect(response.body.error.details.validation_errors[0].path).toBe('headers.idempotency-key');
  });

  it('keeps records in Redis under the run prefix, for 24 h', async () => {
    await responders.answer(Queries.LeadsCreateOrganization, (c) => organization(c.body));
    await gw.clearRedis();
    expect((await createOrganization(tokens.bearer(), `org-${randomUUID()}`, { name: 'Ttl' })).status).toBe(
      201,
    );
    const { client, prefix } = gw.redis;
    const [, keys] = await client.scan('0', 'MATCH', `${prefix}idem:*`, 'COUNT', 1000);
    expect(keys).toHaveLength(1);
    const ttl = await client.pttl(keys[0]);
    expect(ttl).toBeGreaterThan(23 * 3600 * 1000);
    expect(ttl).toBeLessThanOrEqual(24 * 3600 * 1000);
  });
});
