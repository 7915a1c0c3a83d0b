import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FAKE_CITURO_API_KEY, FakeCituroServer } from './fake-cituro.server';
import { cituroSignature } from './webhook-sender';

describe('FakeCituroServer', () => {
  let fake: FakeCituroServer;
  const call = (method: string, path: string, body?: unknown, key: string | null = FAKE_CITURO_API_KEY) =>
    fetch(`${fake.url}${path}`, {
      method,
      headers: {
        ...(key === null ? {} : { 'X-API-KEY': key }),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    fake = await FakeCituroServer.start();
  });
  afterEach(() => {
    fake.reset();
    fake.acceptKeys([FAKE_CITURO_API_KEY]);
  });
  afterAll(() => fake.close());

  it('rejects a missing or wrong X-API-KEY with the Cituro error envelope', async () => {
    for (const key of [null, 'ak_wrong']) {
      const response = await call('GET', '/customers', undefined, key);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        errors: [{ message: 'Access forbidden', type: 'GenericError' }],
        success: false,
      });
    }
  });

  it('wraps answers in {data, success} and filters customers by filter[email]', async () => {
    fake.seedCustomer({ email: 'Jane@Example.com', lastName: 'Doe' });
    fake.seedCustomer({ email: 'other@example.com' });
    const response = await call('GET', '/customers?filter[email]=jane%40example.com');
    const body = (await response.json()) as { data: { email: string; id: string }[]; success: boolean };
    expect(response.status).toBe(200);
    expect(body.success).toBe(true);
    expect(body.data.map((c) => c.email)).toEqual(['Jane@Example.com']);
    expect(body.data[0].id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('honours limit on lists', async () => {
    fake.seedCustomer({ email: 'a@example.com' });
    fake.seedCustomer({ email: 'b@example.com' });
    const body = (await (await call('GET', '/customers?limit=1')).json()) as { data: unknown[] };
    expect(body.data).toHaveLength(1);
  });

  it('upserts by email with key=email, and creates a second customer without it', async () => {
    const first = (await (
      await call('POST', '/customers?key=email', { email: 'x@example.com', firstName: 'X' })
    ).json()) as {
      data: { id: string };
    };
    const again = (await (
      await call('POST', '/customers?key=email', { email: 'x@example.com', lastName: 'Y' })
    ).json()) as {
      data: { id: string; firstName: string; lastName: string };
    };
    expect(again.data).toMatchObject({ id: first.data.id, firstName: 'X', lastName: 'Y' });
    expect(fake.customers()).toHaveLength(1);
    await call('POST', '/customers', { email: 'x@example.com' });
    expect(fake.customers()).toHaveLength(2);
  });

  it('answers 404 for an unknown customer and 400 for an invalid email', async () => {
    expect((await call('GET', '/customers/0123456789abcdef0123456789abcdef')).status).toBe(404);
    const invalid = await call('POST', '/customers?key=email', { email: 'not-an-email' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ success: false, errors: [{ type: 'ValidationError' }] });
  });

  it('validates items[].serviceId on POST /appointments', async () => {
    const customer = fake.seedCustomer({ email: 'c@example.com' });
    const [service] = fake.services();
    const bad = await call('POST', '/appointments', {
      startDate: '2026-05-20T10:00:00',
      booking: { customerId: customer.id },
      items: [{ serviceId: 'ffffffffffffffffffffffffffffffff', duration: 30 }],
    });
    expect(bad.status).toBe(400);
    const good = await call('POST', '/appointments', {
      startDate: '2026-05-20T10:00:00',
      booking: { customerId: customer.id },
      items: [{ serviceId: service.id, duration: 30 }],
    });
    expect(good.status).toBe(200);
    expect(((await good.json()) as { data: { id: string } }).data.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('returns a whs_ secret on POST /webhooks, and refuses an rk_ key there', async () => {
    const created = await call('POST', '/webhooks', {
      name: 'CRM Integration',
      endpoint: 'https://crm.example.com/api/webhooks/cituro',
      active: true,
      eventTypes: ['booking.created'],
    });
    expect(((await created.json()) as { data: { secret: string } }).data.secret).toMatch(
      /^whs_[0-9a-f]{32}$/,
    );
    fake.acceptKeys(['rk_read_only']);
    const forbidden = await call(
      'POST',
      '/webhooks',
      { endpoint: 'https://x', eventTypes: [] },
      'rk_read_only',
    );
    expect(forbidden.status).toBe(403);
  });

  it('answers 429 with Retry-After for the configured number of requests, then heals', async () => {
    fake.fail({ kind: 'rate_limit', retryAfterSeconds: 7, times: 1 }, { path: '/customers' });
    const limited = await call('GET', '/customers');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await call('GET', '/customers')).status).toBe(200);
  });

  it('scopes a failure mode to one method of a path', async () => {
    fake.fail({ kind: 'server_error', status: 502, times: 1 }, { path: '/customers', method: 'POST' });
    expect((await call('GET', '/customers')).status).toBe(200);
    expect((await call('POST', '/customers?key=email', { email: 'm@example.com' })).status).toBe(502);
    expect((await call('POST', '/customers?key=email', { email: 'm@example.com' })).status).toBe(200);
  });

  it('answers 5xx in server_error mode', async () => {
    fake.fail({ kind: 'server_error', status: 503 });
    expect((await call('GET', '/me')).status).toBe(503);
    fake.heal();
    expect((await call('GET', '/me')).status).toBe(200);
  });

  it('gives no answer in timeout mode, and applies the write first when afterHandling is set', async () => {
    fake.fail({ kind: 'timeout', ms: 5_000, afterHandling: true, times: 1 }, { path: '/customers' });
    await expect(
      fetch(`${fake.url}/customers?key=email`, {
        method: 'POST',
        headers: { 'X-API-KEY': FAKE_CITURO_API_KEY, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'lost@example.com' }),
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
    expect(fake.customers().map((c) => c.email)).toEqual(['lost@example.com']);
    expect(fake.requests('POST', '/customers')[0]).toMatchObject({ status: null, query: { key: 'email' } });
  });

  it('records every request with headers, query and body', async () => {
    await call('POST', '/customers?key=email', { email: 'r@example.com' });
    expect(fake.received).toHaveLength(1);
    expect(fake.received[0]).toMatchObject({
      method: 'POST',
      path: '/customers',
      query: { key: 'email' },
      body: { email: 'r@example.com' },
      status: 200,
    });
    expect(fake.received[0].headers['x-api-key']).toBe(FAKE_CITURO_API_KEY);
  });

  describe('sendWebhook', () => {
    let receiver: Server;
    let got: { headers: Record<string, unknown>; body: string }[];
    let receiverUrl: string;

    beforeAll(async () => {
      receiver = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end('{"received":true}');
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/webhooks/cituro`;
    });
    beforeEach(() => {
      got = [];
    });
    afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

    it('signs with t in milliseconds and a lowercase hex HMAC over "<t>.<raw body>" keyed with the full secret', async () => {
      const secret = 'whs_0123456789abcdef';
      const body = { eventId: 'evt-1', type: 'booking.created', data: { booking: { customerId: 'c1' } } };
      const answer = await fake.sendWebhook({ url: receiverUrl, secret, body });
      expect(answer).toMatchObject({ status: 200, body: { received: true } });
      const header = String(got[0].headers['x-cituro-signature']);
      const match = /^t=(\d{13}),s=([0-9a-f]{64})$/.exec(header);
      expect(match).not.toBeNull();
      expect(match![2]).toBe(cituroSignature(secret, match![1], got[0].body));
      expect(got[0].body).toBe(JSON.stringify(body));
    });

    it('can send several s= values, a given t and a custom separator', async () => {
      await fake.sendWebhook({
        url: receiverUrl,
        secret: 'whs_x',
        body: '{"a":1}',
        t: 1700000000,
        extraSignatures: ['00'],
        separator: ', ',
      });
      expect(got[0].headers['x-cituro-signature']).toBe(
        `t=1700000000, s=00, s=${cituroSignature('whs_x', '1700000000', '{"a":1}')}`,
      );
    });
  });
});
