import { randomUUID } from 'node:crypto';
import {
  DomainError,
  Queries,
  type CreatedWebhookView,
  type Page,
  type WebhookSubscriptionView,
} from '@crm/contracts';
import { WebhooksHarness } from './support/webhooks-harness';

describe('webhooks service: subscriptions (api.md §16, real NATS + Postgres)', () => {
  let h: WebhooksHarness;

  beforeAll(async () => {
    h = await WebhooksHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const create = (body: Record<string, unknown>) =>
    h.request<CreatedWebhookView>(Queries.WebhooksCreateSubscription, { body });

  async function rejection(promise: Promise<unknown>): Promise<DomainError> {
    try {
      await promise;
    } catch (error) {
      return error as DomainError;
    }
    throw new Error('expected a rejection');
  }

  const issueCodes = (error: DomainError) =>
    (error.details?.validation_errors as { path: string; code: string }[]).map((i) => `${i.path}:${i.code}`);

  const count = async () =>
    (await h.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_subscription'))[0].n;

  it('creates a subscription and shows its secret once; it is stored encrypted only', async () => {
    const created = await create({
      url: 'https://hooks.example.com/crm',
      event_types: ['deal.won', 'deal.lost'],
      description: 'ERP sync',
      headers: { 'X-Tenant': 'dna' },
    });
    expect(created).toMatchObject({
      url: 'https://hooks.example.com/crm',
      event_types: ['deal.won', 'deal.lost'],
      description: 'ERP sync',
      is_active: true,
      headers: { 'X-Tenant': 'dna' },
      disabled_reason: null,
      last_delivery_at: null,
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.secret.slice(6), 'base64')).toHaveLength(32);

    const fetched = await h.request<WebhookSubscriptionView>(Queries.WebhooksGetSubscription, {
      id: created.id,
    });
    const listed = await h.request<Page<WebhookSubscriptionView>>(Queries.WebhooksListSubscriptions, {});
    const updated = await h.request<WebhookSubscriptionView>(Queries.WebhooksUpdateSubscription, {
      id: created.id,
      body: { description: 'ERP' },
    });
    for (const view of [fetched, listed.data.find((s) => s.id === created.id), updated]) {
      expect(view).toBeDefined();
      expect(view).not.toHaveProperty('secret');
      expect(JSON.stringify(view)).not.toContain(created.secret.slice(6));
    }
    const [row] = await h.query('SELECT * FROM webhook_subscription WHERE id = $1', [created.id]);
    expect(JSON.stringify(row)).not.toContain(created.secret.slice(6));
    expect(row.secret_ciphertext).toMatch(/^v1\./);
  });

  it.each([
    ['plain http to a public host', { url: 'http://hooks.example.com/x' }, 'url:https_required'],
    ['not a URL', { url: 'hooks' }, 'url:invalid_url'],
    ['an unknown event type', { event_types: ['deal.exploded'] }, 'body.event_types:isIn'],
    ['no event types', { event_types: [] }, 'body.event_types:arrayMinSize'],
    ['a description over 255 characters', { description: 'x'.repeat(256) }, 'body.description:maxLength'],
    ['a webhook-* header', { headers: { 'webhook-id': 'x' } }, 'headers.webhook-id:reserved_header'],
    [
      'an Authorization header',
      { headers: { Authorization: 'Bearer x' } },
      'headers.Authorization:reserved_header',
    ],
    [
      'eleven headers',
      { headers: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`X-H${i}`, 'v'])) },
      'headers:too_many_headers',
    ],
    // Shape errors name the command's `body`; the gateway checks the same shape first, without the prefix.
  ])('refuses %s with 400 and a code, storing nothing', async (_name, override, code) => {
    const before = await count();
    const error = await rejection(
      create({ url: 'https://hooks.example.com/x', event_types: ['deal.won'], ...override }),
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(issueCodes(error)).toContain(code);
    expect(await count()).toBe(before);
  });

  it('accepts http to localhost and 127.0.0.1 outside production, and `*`', async () => {
    const local = await create({ url: 'http://localhost:9000/x', event_types: ['*'] });
    const loopback = await create({ url: 'http://127.0.0.1:9000/x', event_types: ['lead.created'] });
    expect(local.event_types).toEqual(['*']);
    expect(loopback.url).toBe('http://127.0.0.1:9000/x');
  });

  it('checks an edit like a create, and answers 404 for unknown or deleted subscriptions', async () => {
    const created = await create({ url: 'https://hooks.example.com/y', event_types: ['deal.won'] });
    const error = await rejection(
      h.request(Queries.WebhooksUpdateSubscription, { id: created.id, body: { url: 'http://example.com' } }),
    );
    expect(issueCodes(error)).toEqual(['url:https_required']);
    const [row] = await h.query('SELECT url FROM webhook_subscription WHERE id = $1', [created.id]);
    expect(row.url).toBe('https://hooks.example.com/y');

    expect((await rejection(h.request(Queries.WebhooksGetSubscription, { id: randomUUID() }))).status).toBe(
      404,
    );
    await h.request(Queries.WebhooksDeleteSubscription, { id: created.id });
    expect((await rejection(h.request(Queries.WebhooksGetSubscription, { id: created.id }))).status).toBe(
      404,
    );
    const listed = await h.request<Page<WebhookSubscriptionView>>(Queries.WebhooksListSubscriptions, {
      limit: 100,
    });
    expect(listed.data.map((s) => s.id)).not.toContain(created.id);
  });

  it('filters the list by is_active and pages it', async () => {
    const inactive = await create({
      url: 'https://hooks.example.com/z',
      event_types: ['deal.won'],
      is_active: false,
    });
    const page = await h.request<Page<WebhookSubscriptionView>>(Queries.WebhooksListSubscriptions, {
      is_active: 'false',
      limit: 1,
    });
    expect(page.data.map((s) => s.id)).toEqual([inactive.id]);
    expect(page.pagination).toMatchObject({ limit: 1, page: 1 });
  });
});
