import { randomUUID } from 'node:crypto';
import {
  Queries,
  Subjects,
  type CreatedWebhookView,
  type MessageEnvelope,
  type RotatedWebhookSecretView,
  type WebhookDeliveryDetailView,
  type WebhookDeliveryView,
  type WebhookSubscriptionView,
  type Page,
} from '@crm/contracts';
import { waitFor, type ReceivedWebhook } from '@crm/testing';
import { stageChanged, taskCreated } from './support/events';
import { WebhooksHarness } from './support/webhooks-harness';

describe('webhooks service: fan-out and delivery (real NATS + Postgres, fake receiver)', () => {
  let h: WebhooksHarness;

  beforeAll(async () => {
    h = await WebhooksHarness.start({ WEBHOOKS_HTTP_TIMEOUT_MS: '2000' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** A subscription on its own receiver path, so other tests' deliveries never count. */
  async function subscribe(eventTypes: string[], extra: Record<string, unknown> = {}) {
    const path = `/t/${randomUUID()}`;
    const created = await h.request<CreatedWebhookView>(Queries.WebhooksCreateSubscription, {
      body: { url: h.receiver.endpoint(path), event_types: eventTypes, ...extra },
    });
    return { path, created };
  }

  async function publishStageChange(options: { id?: string } = {}): Promise<MessageEnvelope<unknown>> {
    const envelope = h.nats.envelope(Subjects.DealStageChanged, stageChanged(), { id: options.id });
    await h.nats.publish(Subjects.DealStageChanged, envelope, { dedupe: false });
    return envelope;
  }

  const requestsTo = (path: string, count: number, timeoutMs = 15_000): Promise<ReceivedWebhook[]> =>
    h.receiver.waitForRequests(count, { timeoutMs, filter: (r) => r.path === path });

  const deliveriesOf = (subscriptionId: string) =>
    h.query<Record<string, unknown>>(
      'SELECT * FROM webhook_delivery WHERE subscription_id = $1 ORDER BY created_at',
      [subscriptionId],
    );

  const settle = () => new Promise((resolve) => setTimeout(resolve, 800));

  it('delivers a published deal.stage_changed once, signed, with only the §19 fields', async () => {
    const { path, created } = await subscribe(['deal.stage_changed'], { headers: { 'X-Tenant': 'dna' } });
    h.receiver.setSecrets([created.secret]);
    const envelope = await publishStageChange();

    const [request] = await requestsTo(path, 1);
    expect(request.method).toBe('POST');
    expect(request.verifications).toEqual([
      { valid: true, webhookId: envelope.id, timestamp: expect.any(Number) },
    ]);
    expect(request.headers['webhook-id']).toBe(envelope.id);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('DNA-ME-CRM-Webhooks/1');
    expect(request.headers['x-tenant']).toBe('dna');
    expect(request.signatures).toHaveLength(1);
    const data = envelope.data as ReturnType<typeof stageChanged>;
    expect(request.body).toEqual({
      id: envelope.id,
      type: 'deal.stage_changed',
      timestamp: envelope.occurred_at,
      data: {
        deal_id: data.deal_id,
        lead_id: data.lead_id,
        pipeline_id: data.pipeline_id,
        from_stage_id: data.from_stage_id,
        from_stage_slug: 'new',
        to_stage_id: data.to_stage_id,
        to_stage_slug: 'qualified',
        to_stage_type: null,
        status: 'open',
        moved_by: { type: 'user', id: data.moved_by.id },
        reason: 'move',
        time_in_previous_stage_seconds: 3600,
        occurred_at: data.occurred_at,
      },
    });
    // The internal snapshots (the person's email and name) never leave the CRM.
    expect(request.rawBody).not.toContain('jane@example.com');
    expect(request.rawBody).not.toContain('Mustermann');

    await settle();
    expect(h.receiver.requestsTo(path)).toHaveLength(1);
    const [row] = await deliveriesOf(created.id);
    expect(row).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      response_status: 200,
      next_attempt_at: null,
    });
    const subscription = await h.request<WebhookSubscriptionView>(Queries.WebhooksGetSubscription, {
      id: created.id,
    });
    expect(subscription.last_delivery_at).not.toBeNull();
  });

  it('does not deliver event types the subscription did not ask for', async () => {
    const { path, created } = await subscribe(['deal.won']);
    const { path: taskPath } = await subscribe(['task.created']);
    await publishStageChange();
    const task = h.nats.envelope(Subjects.TaskCreated, taskCreated());
    await h.nats.publish(Subjects.TaskCreated, task);

    await requestsTo(taskPath, 1);
    await settle();
    expect(h.receiver.requestsTo(path)).toHaveLength(0);
    expect(await deliveriesOf(created.id)).toHaveLength(0);
  });

  it('makes one delivery of an event the broker delivers twice (same message id)', async () => {
    const { path, created } = await subscribe(['deal.stage_changed']);
    const id = randomUUID();
    await publishStageChange({ id });
    await publishStageChange({ id });

    await requestsTo(path, 1);
    await settle();
    expect(await deliveriesOf(created.id)).toHaveLength(1);
    expect(h.receiver.requestsTo(path)).toHaveLength(1);
  });

  it('retries a 500, then succeeds: attempts 2, the same webhook-id, both attempts logged', async () => {
    const { path, created } = await subscribe(['deal.stage_changed']);
    h.receiver.respond([{ kind: 'status', status: 500, body: 'boom' }], path);
    const envelope = await publishStageChange();

    const requests = await requestsTo(path, 2);
    expect(requests.map((r) => r.status)).toEqual([500, 200]);
    expect(requests.map((r) => r.headers['webhook-id'])).toEqual([envelope.id, envelope.id]);
    const [row] = await waitFor(async () => {
      const rows = await deliveriesOf(created.id);
      return rows[0]?.status === 'succeeded' && rows;
    });
    expect(row).toMatchObject({ attempts: 2, response_status: 200 });
    const detail = await h.request<WebhookDeliveryDetailView>(Queries.WebhooksGetDelivery, { id: row.id });
    expect(detail.attempts.map((a) => a.response_status)).toEqual([500, 200]);
    expect(detail.attempts[0].error).toBe('HTTP 500');
    expect(detail.payload).toMatchObject({ id: envelope.id, type: 'deal.stage_changed' });
  });

  it('counts a 3xx and a timeout as failed attempts', async () => {
    const { path, created } = await subscribe(['deal.stage_changed']);
    h.receiver.respond(
      [
        { kind: 'status', status: 301 },
        { kind: 'slow', delayMs: 4_000 },
      ],
      path,
    );
    await publishStageChange();
    await requestsTo(path, 3);
    const [row] = await waitFor(async () => {
      const rows = await deliveriesOf(created.id);
      return rows[0]?.status === 'succeeded' && rows;
    });
    const detail = await h.request<WebhookDeliveryDetailView>(Queries.WebhooksGetDelivery, { id: row.id });
    expect(detail.attempts.map((a) => a.response_status)).toEqual([301, null, 200]);
    expect(detail.attempts[1].error).toMatch(/no answer within 2000 ms/);
  });

  it('disables the subscription on 410 Gone', async () => {
    const { path, created } = await subscribe(['deal.stage_changed']);
    h.receiver.respond([{ kind: 'status', status: 410, body: 'é'.repeat(3000) }], path);
    await publishStageChange();
    await requestsTo(path, 1);

    const subscription = await waitFor(async () => {
      const s = await h.request<WebhookSubscriptionView>(Queries.WebhooksGetSubscription, { id: created.id });
      return !s.is_active && s;
    });
    expect(subscription.disabled_reason).toBe('gone');
    // The answer was 6000 bytes: the delivery keeps at most 1 KB of it.
    const [row] = await deliveriesOf(created.id);
    expect(row).toMatchObject({ status: 'failed', response_status: 410, next_attempt_at: null });
    const excerpt = row.response_body_excerpt as string;
    expect(Buffer.byteLength(excerpt)).toBeLessThanOrEqual(1024);
    expect(excerpt.length).toBeGreaterThan(500);
    await publishStageChange();
    await settle();
    expect(h.receiver.requestsTo(path)).toHaveLength(1);

    const enabled = await h.request<WebhookSubscriptionView>(Queries.WebhooksUpdateSubscription, {
      id: created.id,
      body: { is_active: true },
    });
    expect(enabled).toMatchObject({ is_active: true, disabled_reason: null });
  });

  it("honours a 429's Retry-After for the next attempt", async () => {
    const { path, created } = await subscribe(['deal.stage_changed']);
    h.receiver.respond([{ kind: 'retry_after', status: 429, retryAfterSeconds: 120 }], path);
    await publishStageChange();
    await requestsTo(path, 1);

    const [row] = await waitFor(async () => {
      const rows = await deliveriesOf(created.id);
      return rows[0]?.attempts === 1 && rows;
    });
    expect(row).toMatchObject({ status: 'failed', response_status: 429 });
    const waitMs = (row.next_attempt_at as Date).getTime() - (row.last_attempt_at as Date).getTime();
    // The scaled schedule would retry within milliseconds; the receiver asked for 120 s.
    expect(waitMs).toBe(120_000);
  });

  it('exhausts a delivery after 10 failed attempts and announces it', async () => {
    const { path, created } = await subscribe(['deal.stage_changed']);
    const exhausted = h.nats.collect<{ subscription_id: string; attempts: number }>(
      Subjects.WebhookDeliveryExhausted,
      (e) => e.data.subscription_id === created.id,
    );
    h.receiver.respond(
      Array.from({ length: 10 }, () => ({ kind: 'status' as const, status: 500 })),
      path,
    );
    await publishStageChange();

    await requestsTo(path, 10, 40_000);
    const [event] = await waitFor(async () => exhausted.length > 0 && exhausted, { timeoutMs: 10_000 });
    expect(event.data.attempts).toBe(10);
    const [row] = await deliveriesOf(created.id);
    expect(row).toMatchObject({ status: 'exhausted', attempts: 10, next_attempt_at: null });
    await settle();
    expect(h.receiver.requestsTo(path)).toHaveLength(10);
  });

  it('signs with both secrets after a rotation, and each verifies', async () => {
    const { path, created } = await subscribe(['deal.stage_changed']);
    const rotated = await h.request<RotatedWebhookSecretView>(Queries.WebhooksRotateSecret, {
      id: created.id,
    });
    expect(rotated.secret).not.toBe(created.secret);
    const expiresIn = Date.parse(rotated.previous_secret_expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(23.9 * 3600_000);
    expect(expiresIn).toBeLessThanOrEqual(24 * 3600_000);

    h.receiver.setSecrets([created.secret, rotated.secret]);
    await publishStageChange();
    const [request] = await requestsTo(path, 1);
    expect(request.signatures).toHaveLength(2);
    expect(request.verifications.map((v) => v.valid)).toEqual([true, true]);
  });

  it('redelivers one delivery as a new row with the same webhook-id, and sends webhook.test', async () => {
    const { path, created } = await subscribe(['deal.stage_changed']);
    const envelope = await publishStageChange();
    await requestsTo(path, 1);
    const [original] = await waitFor(async () => {
      const rows = await deliveriesOf(created.id);
      return rows[0]?.status === 'succeeded' && rows;
    });

    const copy = await h.request<WebhookDeliveryView>(Queries.WebhooksRedeliver, { id: original.id });
    expect(copy.id).not.toBe(original.id);
    expect(copy.event_id).toBe(envelope.id);
    const requests = await requestsTo(path, 2);
    expect(requests.map((r) => r.headers['webhook-id'])).toEqual([envelope.id, envelope.id]);
    expect(requests[1].rawBody).toBe(requests[0].rawBody);

    const test = await h.request<{ delivery_id: string }>(Queries.WebhooksSendTest, { id: created.id });
    const [, , testRequest] = await requestsTo(path, 3);
    expect(testRequest.body).toMatchObject({ type: 'webhook.test', data: { subscription_id: created.id } });
    const page = await h.request<Page<WebhookDeliveryView>>(Queries.WebhooksListDeliveries, {
      subscription_id: created.id,
      query: { event_type: 'webhook.test' },
    });
    expect(page.data.map((d) => d.id)).toEqual([test.delivery_id]);
  });

  it('bulk-redelivers the failed deliveries of a subscription', async () => {
    const { path, created } = await subscribe(['deal.stage_changed']);
    h.receiver.respond([{ kind: 'status', status: 410 }], path);
    await publishStageChange();
    await requestsTo(path, 1);
    await waitFor(async () => (await deliveriesOf(created.id))[0]?.status === 'failed');
    await h.request(Queries.WebhooksUpdateSubscription, { id: created.id, body: { is_active: true } });

    const result = await h.request<{ queued: number }>(Queries.WebhooksRedeliverMany, {
      subscription_id: created.id,
      body: { status: 'failed' },
    });
    expect(result).toEqual({ queued: 1 });
    const requests = await requestsTo(path, 2);
    expect(requests[1].status).toBe(200);
    expect(requests[1].headers['webhook-id']).toBe(requests[0].headers['webhook-id']);
  });

  it('cancels pending deliveries when the subscription is deleted', async () => {
    const { path, created } = await subscribe(['deal.stage_changed']);
    h.receiver.respond([{ kind: 'retry_after', status: 503, retryAfterSeconds: 60 }], path);
    await publishStageChange();
    await requestsTo(path, 1);
    await waitFor(async () => (await deliveriesOf(created.id))[0]?.attempts === 1);

    await h.request(Queries.WebhooksDeleteSubscription, { id: created.id });
    const [row] = await deliveriesOf(created.id);
    expect(row).toMatchObject({ status: 'cancelled', next_attempt_at: null });
  });

  it('makes again an attempt whose instance died mid-delivery, once its claim lapses', async () => {
    const { path, created } = await subscribe(['deal.stage_changed']);
    const body = (id: string) => JSON.stringify({ id, type: 'deal.stage_changed', timestamp: '', data: {} });
    const [lapsed, held] = [randomUUID(), randomUUID()];
    // Claimed by instances that never recorded an outcome: one claim has lapsed, the other still runs.
    await h.query(
      `INSERT INTO webhook_delivery (subscription_id, event_id, event_type, body, status, claim_token, next_attempt_at)
       VALUES ($1, $2, 'deal.stage_changed', $3, 'pending', gen_random_uuid(), now() - interval '1 second'),
              ($1, $4, 'deal.stage_changed', $5, 'pending', gen_random_uuid(), now() + interval '1 hour')`,
      [created.id, lapsed, body(lapsed), held, body(held)],
    );
    const [request] = await requestsTo(path, 1);
    expect(request.headers['webhook-id']).toBe(lapsed);
    await waitFor(async () => (await deliveriesOf(created.id)).some((r) => r.status === 'succeeded'));
    await settle();
    expect(h.receiver.requestsTo(path)).toHaveLength(1);
    const rows = await deliveriesOf(created.id);
    expect(rows.find((r) => r.event_id === held)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('sends each attempt once when two instances deliver', async () => {
    await h.startAnotherInstance();
    const { path, created } = await subscribe(['deal.stage_changed']);
    const envelopes = [];
    for (let i = 0; i < 20; i++) envelopes.push(await publishStageChange());

    await requestsTo(path, 20);
    await waitFor(async () => {
      const rows = await deliveriesOf(created.id);
      return rows.length === 20 && rows.every((r) => r.status === 'succeeded');
    });
    await settle();
    const ids = h.receiver.requestsTo(path).map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(20);
    expect(new Set(ids)).toEqual(new Set(envelopes.map((e) => e.id)));
  });
});
