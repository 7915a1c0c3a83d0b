import { FAKE_CITURO_API_KEY, FakeCituroServer } from '@crm/testing';
import { CituroCallError } from '../src/cituro-client/cituro-client';
import { CituroCustomerDirectory } from '../src/cituro-client/cituro-customer-directory';
import { CituroRetryPolicy } from '../src/cituro-client/cituro-retry-policy';
import { HttpCituroClient } from '../src/cituro-client/http-cituro-client';

describe('Cituro client against the fake Cituro (lookup before create, retries, Retry-After)', () => {
  let fake: FakeCituroServer;
  let waits: number[];

  beforeAll(async () => {
    fake = await FakeCituroServer.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    waits = [];
  });

  function directory(options: { retries?: number; apiKey?: string; maxInlineRetryAfterMs?: number } = {}) {
    const client = new HttpCituroClient({
      baseUrl: fake.url,
      apiKey: options.apiKey ?? FAKE_CITURO_API_KEY,
      timeoutMs: 300,
    });
    const retries = new CituroRetryPolicy({
      retries: options.retries ?? 2,
      baseDelayMs: 100,
      maxInlineRetryAfterMs: options.maxInlineRetryAfterMs ?? 5_000,
      wait: async (ms) => waits.push(ms),
    });
    return new CituroCustomerDirectory(client, retries);
  }

  it('looks the email up before it creates, and finds an existing customer without writing', async () => {
    const existing = fake.seedCustomer({ email: 'known@example.com' });
    const result = await directory().ensureCustomer({ email: 'Known@Example.com', firstName: 'K' });
    expect(result).toEqual({ customer: expect.objectContaining({ id: existing.id }), created: false });
    expect(fake.requests('POST', '/customers')).toHaveLength(0);
    expect(fake.requests('GET', '/customers')[0].query).toEqual({ 'filter[email]': 'Known@Example.com' });
    expect(fake.requests('GET', '/customers')[0].headers['x-api-key']).toBe(FAKE_CITURO_API_KEY);
  });

  it('creates with the upsert by email when the lookup finds nobody', async () => {
    const { customer, created } = await directory().ensureCustomer({
      email: 'new@example.com',
      firstName: 'N',
      lastName: 'Ew',
    });
    expect(created).toBe(true);
    expect(fake.customers()).toEqual([
      expect.objectContaining({ id: customer.id, firstName: 'N', lastName: 'Ew' }),
    ]);
    expect(fake.requests('POST', '/customers')[0].query).toEqual({ key: 'email' });
  });

  it('after a create whose answer was lost, the retry finds that customer and creates no second one', async () => {
    fake.fail(
      { kind: 'timeout', ms: 2_000, afterHandling: true, times: 1 },
      { path: '/customers', method: 'POST' },
    );
    const { customer, created } = await directory().ensureCustomer({ email: 'lost@example.com' });
    expect(created).toBe(false);
    expect(fake.customers()).toEqual([
      expect.objectContaining({ id: customer.id, email: 'lost@example.com' }),
    ]);
    // lookup, create (answer lost), lookup again (found): no second create.
    expect(fake.received.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'POST null', 'GET 200']);
  });

  it('waits out a 429 Retry-After exactly, then succeeds', async () => {
    fake.fail({ kind: 'rate_limit', retryAfterSeconds: 2, times: 1 }, { path: '/customers' });
    const { created } = await directory().ensureCustomer({ email: 'rl@example.com' });
    expect(created).toBe(true);
    expect(waits).toEqual([2_000]);
    expect(fake.requests('GET', '/customers').map((r) => r.status)).toEqual([429, 200]);
  });

  it('backs off exponentially on 5xx without Retry-After, and gives up after the configured retries', async () => {
    fake.fail({ kind: 'server_error', status: 502 }, { path: '/customers' });
    const error = await directory({ retries: 2 })
      .ensureCustomer({ email: 'down@example.com' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CituroCallError);
    expect((error as CituroCallError).kind).toBe('transient');
    expect(waits).toEqual([100, 200]);
    expect(fake.requests('GET', '/customers')).toHaveLength(3);
  });

  it('hands a Retry-After too long to wait in the call back to the caller', async () => {
    fake.fail({ kind: 'rate_limit', retryAfterSeconds: 60, times: 1 }, { path: '/customers' });
    const error = (await directory({ maxInlineRetryAfterMs: 5_000 })
      .ensureCustomer({ email: 'later@example.com' })
      .catch((e: unknown) => e)) as CituroCallError;
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000, vendorStatus: 429 });
    expect(waits).toEqual([]);
  });

  it('does not retry a rejected key', async () => {
    const error = (await directory({ apiKey: 'ak_wrong' })
      .ensureCustomer({ email: 'x@example.com' })
      .catch((e: unknown) => e)) as CituroCallError;
    expect(error).toMatchObject({ kind: 'unauthorized', vendorStatus: 401 });
    expect(error.message).toContain('Access forbidden');
    expect(fake.received).toHaveLength(1);
  });
});
