import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FAKE_MOCO_API_KEY, FakeMocoServer } from './fake-moco.server';
import { FAKE_MOCO_DEAL_CATEGORIES, FAKE_MOCO_USERS } from './moco-store';
import { signMocoWebhook } from './moco-webhook-signature';
import { tryParseJson } from '../fake-slack/request-body';

const parseOrText = (text: string): unknown => tryParseJson(text) ?? text;

describe('FakeMocoServer', () => {
  let fake: FakeMocoServer;
  const auth = { Authorization: `Token token=${FAKE_MOCO_API_KEY}` };

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = auth,
  ) => {
    const res = await fetch(`${fake.baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: parseOrText(text) };
  };
  const company = (fields: Record<string, unknown> = {}) =>
    call('POST', '/companies', { name: 'Acme GmbH', type: 'customer', currency: 'EUR', ...fields });
  const validDeal = (fields: Record<string, unknown> = {}) => ({
    name: 'Website relaunch',
    currency: 'EUR',
    money: 12000,
    reminder_date: '2026-12-31',
    user_id: FAKE_MOCO_USERS[0].id,
    deal_category_id: FAKE_MOCO_DEAL_CATEGORIES[0].id,
    ...fields,
  });

  beforeAll(async () => {
    fake = await FakeMocoServer.start();
  });
  afterEach(() => {
    fake.reset();
    fake.configure({ rateLimit: undefined, apiKeys: undefined });
  });
  afterAll(() => fake.close());

  it('accepts both documented auth forms and answers 401 {"message":"Unauthorized"} otherwise', async () => {
    expect(await call('GET', '/session')).toMatchObject({ status: 200, body: { id: expect.any(Number) } });
    expect(
      (await call('GET', '/session', undefined, { Authorization: `Bearer ${FAKE_MOCO_API_KEY}` })).status,
    ).toBe(200);
    for (const header of [{}, { Authorization: 'Token token=wrong' }, { Authorization: FAKE_MOCO_API_KEY }]) {
      expect(await call('GET', '/session', undefined, header)).toMatchObject({
        status: 401,
        body: { message: 'Unauthorized' },
      });
    }
  });

  it('creates a company with 200, generates an identifier and rejects missing mandatory fields with 422', async () => {
    const created = await company({ custom_properties: { 'CRM-ID': 'org-1', Unknown: 'x' } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: expect.any(Number),
      name: 'Acme GmbH',
      type: 'customer',
      identifier: expect.stringMatching(/^K\d+/),
      custom_properties: { 'CRM-ID': 'org-1' },
    });
    expect((created.body as { custom_properties: object }).custom_properties).not.toHaveProperty('Unknown');
    expect(await call('POST', '/companies', { type: 'customer', currency: 'EUR' })).toMatchObject({
      status: 422,
      body: { errors: ["Name can't be blank"] },
    });
    expect(await call('POST', '/companies', { name: 'X', type: 'customer' })).toMatchObject({
      status: 422,
      body: { errors: ["Currency can't be blank"] },
    });
    fake.configure({ manualNumberRanges: true });
    expect((await company()).body).toEqual({ errors: ["Identifier can't be blank"] });
    fake.configure({ manualNumberRanges: false });
    expect(fake.records('companies')).toHaveLength(1);
  });

  it('filters companies by custom property only with type, by identifier and by term; unknown field → []', async () => {
    await company({ name: 'Acme GmbH', custom_properties: { 'CRM-ID': 'org-1' } });
    const other = await company({
      name: 'Globex AG',
      identifier: 'G1',
      custom_properties: { 'CRM-ID': 'org-2' },
    });
    const ids = async (query: string) =>
      ((await call('GET', `/companies?${query}`)).body as Array<{ id: number }>).map((c) => c.id);
    const globexId = (other.body as { id: number }).id;

    expect(await ids('type=customer&custom_properties[CRM-ID]=org-2')).toEqual([globexId]);
    expect(await ids(`type=customer&${encodeURI('custom_properties[CRM-ID]')}=org-2`)).toEqual([globexId]);
    expect(await ids('custom_properties[CRM-ID]=org-2')).toHaveLength(2);
    expect(await ids('type=customer&custom_properties[Nope]=org-2')).toEqual([]);
    expect(await ids('identifier=G1')).toEqual([globexId]);
    expect(await ids('term=globex')).toEqual([globexId]);
    expect(await ids('email=anything')).toHaveLength(2);
  });

  it('filters by ids and updated_after and sorts by sort_by', async () => {
    const a = (await company({ name: 'Alpha' })).body as { id: number };
    const b = (await company({ name: 'Beta' })).body as { id: number };
    const later = fake.store.patch('companies', b.id, { info: 'edited' })!;
    const names = async (query: string) =>
      ((await call('GET', `/companies?${query}`)).body as Array<{ name: string }>).map((c) => c.name);
    expect(await names(`ids=${a.id}`)).toEqual(['Alpha']);
    expect(
      await names(
        `updated_after=${encodeURIComponent(new Date(Date.parse(later.updated_at) - 1).toISOString())}`,
      ),
    ).toEqual(['Beta']);
    expect(await names('sort_by=name desc')).toEqual(['Beta', 'Alpha']);
  });

  it('finds people by email through term', async () => {
    const acme = (await company()).body as { id: number };
    const person = await call('POST', '/contacts/people', {
      lastname: 'Doe',
      firstname: 'Jane',
      gender: 'F',
      work_email: 'jane@acme.test',
      company_id: acme.id,
    });
    expect(person.status).toBe(200);
    const found = await call('GET', '/contacts/people?term=jane@acme.test');
    expect(found.body).toEqual([
      expect.objectContaining({ company: { id: acme.id, name: 'Acme GmbH', type: 'customer' } }),
    ]);
    expect((await call('POST', '/contacts/people', { lastname: 'Doe', gender: 'X' })).status).toBe(422);
  });

  it('validates deals: 422 for missing mandatory fields, 400 for a bad status', async () => {
    expect(await call('POST', '/deals', { name: 'x' })).toMatchObject({
      status: 422,
      body: { errors: expect.arrayContaining(["currency can't be blank", "user_id can't be blank"]) },
    });
    expect(await call('POST', '/deals', validDeal({ status: 'foo' }))).toMatchObject({
      status: 400,
      body: { error: "'foo' is not a valid status" },
    });
    const deal = await call('POST', '/deals', validDeal());
    expect(deal).toMatchObject({ status: 200, body: { status: 'pending', money: 12000 } });
    const id = (deal.body as { id: number }).id;
    expect(await call('PUT', `/deals/${id}`, { status: 'won' })).toMatchObject({
      status: 200,
      body: { status: 'won' },
    });
    expect((await call('PUT', `/deals/${id}`, { status: 'nope' })).status).toBe(400);
  });

  it('answers POST /offers with 201 and filters offers by deal_id', async () => {
    const deal = (await call('POST', '/deals', validDeal())).body as { id: number };
    const offer = await call('POST', '/offers', {
      deal_id: deal.id,
      recipient_address: 'Acme GmbH\nStreet 1',
      date: '2026-12-01',
      due_date: '2026-12-31',
      title: 'Offer',
      tax: 19,
      items: [{ type: 'item', title: 'Work', quantity: 2, unit: 'h', unit_price: 100 }],
    });
    expect(offer).toMatchObject({
      status: 201,
      body: { net_total: 200, status: 'created', deal: { id: deal.id } },
    });
    expect((await call('GET', `/offers?deal_id=${deal.id}`)).body).toHaveLength(1);
    expect((await call('POST', '/offers', { title: 'x' })).status).toBe(422);
  });

  it('requires the documented project and invoice fields', async () => {
    const acme = (await company()).body as { id: number };
    expect((await call('POST', '/projects', { name: 'P' })).status).toBe(422);
    const project = await call('POST', '/projects', {
      name: 'P',
      currency: 'EUR',
      start_date: '2026-01-01',
      finish_date: '2026-12-31',
      fixed_price: true,
      retainer: false,
      leader_id: FAKE_MOCO_USERS[0].id,
      customer_id: acme.id,
    });
    expect(project).toMatchObject({ status: 200, body: { customer: { id: acme.id } } });
    expect((await call('POST', '/invoices', { title: 'x' })).status).toBe(422);
    const invoice = await call('POST', '/invoices', {
      customer_id: acme.id,
      recipient_address: 'Acme',
      date: '2026-12-01',
      due_date: '2026-12-31',
      title: 'Invoice',
      currency: 'EUR',
      tax: 19,
      status: 'draft',
      items: [{ type: 'item', title: 'Work', quantity: 1, unit_price: 50 }],
    });
    expect(invoice).toMatchObject({ status: 200, body: { status: 'draft', customer_id: acme.id } });
    expect((await call('GET', '/invoices?status=draft,sent')).body).toHaveLength(1);
  });

  it('paginates with X-Page/X-Per-Page/X-Total and a rel="next" Link except on the last page', async () => {
    for (let i = 0; i < 5; i++) await company({ name: `C${i}` });
    const first = await call('GET', '/companies?per_page=2');
    expect(first.headers.get('x-page')).toBe('1');
    expect(first.headers.get('x-per-page')).toBe('2');
    expect(first.headers.get('x-total')).toBe('5');
    expect(first.headers.get('link')).toBe(`<${fake.baseUrl}/companies?per_page=2&page=2>; rel="next"`);
    const last = await call('GET', '/companies?per_page=2&page=3');
    expect(last.body).toHaveLength(1);
    expect(last.headers.get('link')).toBeNull();
  });

  it('limits requests per key in a sliding window and answers 429 with Retry-After', async () => {
    fake.configure({ rateLimit: { limit: 3, windowMs: 60_000, retryAfter: true } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call('GET', '/session')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = fake.received.at(-1);
    expect(limited?.status).toBe(429);
    const res = await fetch(`${fake.baseUrl}/session`, { headers: auth });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('has switchable 429, 5xx and timeout modes scoped by method and path, healing after `times`', async () => {
    fake.fail({ kind: 'rate_limit', retryAfterSeconds: 1, times: 1 }, { method: 'POST', path: '/companies' });
    fake.fail({ kind: 'server_error', status: 502, times: 1 }, { path: '/session' });
    const limited = await company();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await call('GET', '/session')).status).toBe(502);
    expect((await call('GET', '/session')).status).toBe(200);
    expect((await company()).status).toBe(200);

    fake.fail({ kind: 'timeout', afterApply: true, times: 1 }, { method: 'POST', path: '/companies' });
    await expect(
      fetch(`${fake.baseUrl}/companies`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Slow', type: 'customer', currency: 'EUR' }),
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
    // The create took effect although no answer came back.
    expect(fake.records('companies').map((c) => c.name)).toContain('Slow');
    expect(fake.requests('POST', '/companies').at(-1)?.status).toBe(0);
  });

  it('sends webhooks signed with hex HMAC-SHA256 over the raw body and the X-Moco-* headers', async () => {
    const got: { headers: IncomingMessage['headers']; body: string }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const key = '0123456789abcdef0123456789abcdef';
    try {
      const result = await fake.sendWebhook({
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
        key,
        target: 'Invoice',
        event: 'update',
        entity: { id: 1, status: 'paid', updated_at: '2026-12-01T10:00:00Z' },
        timestamp: 1527170410463,
      });
      expect(result).toEqual({ status: 200, body: { received: true } });
      expect(got[0].headers).toMatchObject({
        'x-moco-target': 'Invoice',
        'x-moco-event': 'update',
        'x-moco-timestamp': '1527170410463',
        'x-moco-signature': signMocoWebhook(key, got[0].body),
      });
      expect(signMocoWebhook(key, got[0].body)).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
