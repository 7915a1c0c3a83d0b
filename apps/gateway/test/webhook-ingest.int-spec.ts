import { createHmac, randomUUID } from 'node:crypto';
import { Subjects } from '@crm/contracts';
import { INGEST_EVENT_ID_NAMESPACE, uuidV5 } from '../src/events/event-id';
import { AccessTokens } from './support/access-tokens';
import { GatewayHarness, UUID, type ApiResponse } from './support/gateway-harness';
import { acceptedIngestAnswer, validIngestEvent } from './support/ingest-events';

const JWT_SECRET = 'webhook-ingest-test-secret-0123456789abcdef';
/** The fallback for sources without a registered signing secret (api.md §4.2). */
const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const SIGNED_LIMIT = 1000;
const ENV_KEY = 'webhook-test-env-key-all-scopes';

let gw: GatewayHarness;
const tokens = new AccessTokens(JWT_SECRET);
const admin = tokens.bearer('admin');

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The Standard Webhooks reference algorithm: HMAC-SHA256 over `${id}.${ts}.${body}` with the decoded secret. */
function standardHeaders(
  secret: string,
  body: string,
  { id = `msg_${randomUUID()}`, timestamp = nowSeconds() }: { id?: string; timestamp?: number } = {},
): Record<string, string> {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
}

/** The legacy scheme: `sha256=` + hex HMAC-SHA256 over `${ts}.${body}` keyed with the secret as shown. */
function legacyHeaders(secret: string, body: string, timestamp = nowSeconds()): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { 'x-webhook-timestamp': String(timestamp), 'x-webhook-signature': `sha256=${signature}` };
}

function send(body: string, headers: Record<string, string>) {
  return gw.request('/api/v1/events/webhook', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** Signs the event with Standard Webhooks and sends it. */
function sendSigned(secret: string, event: Record<string, unknown>, options?: { id?: string }) {
  const body = JSON.stringify(event);
  return send(body, standardHeaders(secret, body, options));
}

async function createSecret(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const created = await gw.request('/api/v1/api-keys', {
    method: 'POST',
    headers: admin,
    body: { kind: 'signing_secret', ...body },
  });
  expect(created.status).toBe(201);
  return created.body;
}

async function rotate(id: string, body: Record<string, unknown>): Promise<string> {
  const rotated = await gw.request(`/api/v1/api-keys/${id}/rotate`, { method: 'POST', headers: admin, body });
  expect(rotated.status).toBe(201);
  return rotated.body.secret;
}

async function lastIngestMessage() {
  const stored = await gw.jsm.streams.getMessage(gw.stream('INGEST'), {
    last_by_subj: gw.subject(Subjects.IngestEventReceived),
  });
  if (!stored) throw new Error('no ingest message on the stream');
  return { envelope: stored.json<any>(), msgId: stored.header.get('Nats-Msg-Id') };
}

/** Runs the requests and checks that none of them put anything on INGEST. */
async function publishesNothing(run: () => Promise<void>) {
  const before = await gw.streamMessageCount('INGEST');
  await run();
  expect(await gw.streamMessageCount('INGEST')).toBe(before);
}

function expectInvalidSignature(response: ApiResponse, reason: string) {
  expect({ status: response.status, error: response.body.error }).toEqual({
    status: 401,
    error: {
      code: 'INVALID_SIGNATURE',
      message: expect.any(String),
      details: { reason },
      request_id: expect.any(String),
    },
  });
}

beforeAll(async () => {
  gw = await GatewayHarness.start({
    JWT_SECRET,
    API_KEYS: `${ENV_KEY}:*:events:write+read+write`,
    WEBHOOK_SECRET,
    // Every request looks the secrets up again: rotation and revocation show at once.
    API_KEY_CACHE_TTL_MS: '0',
    RATE_LIMIT_SIGNED_PER_MINUTE: String(SIGNED_LIMIT),
  });
});

afterAll(async () => {
  await gw?.close();
});

describe('signing secrets (api.md §3.1 kind signing_secret)', () => {
  it('are shown once as whsec_ secrets, stored encrypted, listed without the secret, and are no API keys', async () => {
    const created = await gw.request('/api/v1/api-keys', {
      method: 'POST',
      headers: admin,
      body: { name: 'Website forms', kind: 'signing_secret', source: 'website' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Website forms',
      kind: 'signing_secret',
      source: 'website',
      allowed_sources: ['website'],
      scopes: ['events:write'],
      prefix: expect.stringMatching(/^whsec_.{4}…$/),
      is_active: true,
      // Signed ingest is limited per source by the signed class (api.md §1.5).
      rate_limit_per_minute: SIGNED_LIMIT,
      expires_at: null,
      last_used_at: null,
      created_at: expect.any(String),
      created_by: expect.stringMatching(UUID),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const secret: string = created.body.secret;
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(secret.startsWith(created.body.prefix.slice(0, -1))).toBe(true);

    const [stored] = await gw.sql<Record<string, string>>(
      `SELECT key_hash, secret_ciphertext, previous_secret_ciphertext FROM gateway.api_keys WHERE id = $1`,
      [created.body.id],
    );
    expect(stored.secret_ciphertext).toMatch(/^v1\./);
    expect(stored.previous_secret_ciphertext).toBeNull();
    expect(JSON.stringify(stored)).not.toContain(secret.slice(6));

    const listed = await gw.request('/api/v1/api-keys', { headers: admin });
    const row = listed.body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(row).toMatchObject({ kind: 'signing_secret', prefix: created.body.prefix });
    expect(row).not.toHaveProperty('secret');
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(6));

    // A signing secret is not an API key, and signs only what it is for.
    const asKey = await gw.request('/api/v1/events/ingest', {
      method: 'POST',
      headers: { 'x-api-key': secret },
      body: validIngestEvent(),
    });
    expect(asKey.status).toBe(401);
    expect((await sendSigned(secret, validIngestEvent())).status).toBe(202);
    const [used] = await gw.sql<{ last_used_at: Date | null }>(
      `SELECT last_used_at FROM gateway.api_keys WHERE id = $1`,
      [created.body.id],
    );
    expect(used.last_used_at).not.toBeNull();
  });

  it('refuses a per-secret rate_limit_per_minute and other bad bodies with 400; only admins manage them', async () => {
    for (const body of [
      { name: 'x', kind: 'signing_secret', source: 'website', rate_limit_per_minute: 10 },
      { name: 'x', kind: 'webhook', source: 'website' },
      { name: '', kind: 'signing_secret', source: 'website' },
    ]) {
      const bad = await gw.request('/api/v1/api-keys', { method: 'POST', headers: admin, body });
      expect({ body, status: bad.status }).toEqual({ body, status: 400 });
    }
    const asManager = await gw.request('/api/v1/api-keys', {
      method: 'POST',
      headers: tokens.bearer('marketing_manager'),
      body: { name: 'x', kind: 'signing_secret', source: 'website' },
    });
    expect(asManager.status).toBe(403);
  });
});

describe('POST /api/v1/events/webhook (api.md §4.2)', () => {
  let websiteSecret: string;

  beforeAll(async () => {
    websiteSecret = (await createSecret({ name: 'Website', source: 'website' })).secret;
  });

  it('accepts a Standard Webhooks request signed over the raw bytes: 202, on INGEST with metadata.webhook=true', async () => {
    const before = await gw.streamMessageCount('INGEST');
    const event = validIngestEvent({
      lead_identifier: { email: 'jürgen.müller@example.com' },
      metadata: { page: '/preise', webhook: false, api_key_source: 'spoofed' },
    });
    // Not what JSON.stringify would write: the signature covers the bytes as sent.
    const body = JSON.stringify(event, null, 2);
    const response = await send(body, {
      ...standardHeaders(websiteSecret, body),
      'x-correlation-id': 'corr-wh-1',
    });

    expect(response.status).toBe(202);
    expect(response.body).toEqual(acceptedIngestAnswer(event.event_id));
    expect(response.headers.get('x-correlation-id')).toBe('corr-wh-1');
    expect(await gw.streamMessageCount('INGEST')).toBe(before + 1);
    const { envelope, msgId } = await lastIngestMessage();
    const uuid = uuidV5(`website:${event.event_id}`, INGEST_EVENT_ID_NAMESPACE);
    expect(msgId).toBe(`website:${uuid}`);
    expect(envelope.correlation_id).toBe('corr-wh-1');
    expect(envelope.data).toMatchObject({
      event_id: uuid,
      producer_event_id: event.event_id,
      source: 'website',
      lead_identifier: { email: 'jürgen.müller@example.com' },
      // The server sets webhook; a client's api_key_source is dropped, as on §4.1.
      metadata: { page: '/preise', webhook: true },
      received_at: response.body.queued_at,
    });
    expect(envelope.data.metadata).not.toHaveProperty('api_key_source');
  });

  it('accepts the legacy X-Webhook-Signature/X-Webhook-Timestamp scheme the same way', async () => {
    const event = validIngestEvent();
    const body = JSON.stringify(event);
    const response = await send(body, legacyHeaders(websiteSecret, body));
    expect(response.status).toBe(202);
    expect(response.body.event_id).toBe(event.event_id);
    expect((await lastIngestMessage()).envelope.data).toMatchObject({
      producer_event_id: event.event_id,
      metadata: { page: '/enterprise', webhook: true },
    });
  });

  it('dedupes on webhook-id when the body has no event_id, also across re-signed retries', async () => {
    const { event_id: _omitted, ...event } = validIngestEvent();
    const id = `msg_${randomUUID()}`;
    const first = await sendSigned(websiteSecret, event, { id });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const retry = await sendSigned(websiteSecret, event, { id });
    const uuid = uuidV5(`website:${id}`, INGEST_EVENT_ID_NAMESPACE);

    expect(first.status).toBe(202);
    expect(first.body.event_id).toBe(uuid);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({
      success: true,
      event_id: uuid,
      duplicate: true,
      message: 'Duplicate event ignored',
      queued_at: first.body.queued_at,
    });
    // event_id wins over webhook-id, as it wins over Idempotency-Key on §4.1.
    const withEventId = validIngestEvent();
    expect((await sendSigned(websiteSecret, withEventId, { id })).body.event_id).toBe(withEventId.event_id);
  });

  it('validates the body as §4.1 does: a correctly signed invalid event is 400 and nothing is published', async () => {
    await publishesNothing(async () => {
      const { lead_identifier: _missing, ...event } = validIngestEvent();
      const response = await sendSigned(websiteSecret, event);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_ERROR');
      expect(response.body.error.details.validation_errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: 'lead_identifier' })]),
      );
    });
  });

  it('refuses a wrong signature, a body changed in one byte, and old or future timestamps, publishing nothing', async () => {
    const body = JSON.stringify(validIngestEvent());
    const tampered = body.replace('spring', 'sprinh');
    expect(Buffer.byteLength(tampered)).toBe(Buffer.byteLength(body));
    const otherSecret = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    await publishesNothing(async () => {
      expectInvalidSignature(await send(body, standardHeaders(otherSecret, body)), 'mismatch');
      expectInvalidSignature(await send(tampered, standardHeaders(websiteSecret, body)), 'mismatch');
      expectInvalidSignature(await send(tampered, legacyHeaders(websiteSecret, body)), 'mismatch');
      // Clearly outside the 300 s window: the test's clock and the gateway's are read a moment apart, so a
      // second's margin could be eaten by a slow request (a 301 s future timestamp arriving 1 s later is in).
      for (const offset of [-330, 330, -3600]) {
        const timestamp = nowSeconds() + offset;
        expectInvalidSignature(
          await send(body, standardHeaders(websiteSecret, body, { timestamp })),
          'timestamp_out_of_range',
        );
        expectInvalidSignature(
          await send(body, legacyHeaders(websiteSecret, body, timestamp)),
          'timestamp_out_of_range',
        );
      }
      // The timestamp is signed: moving it into the window breaks the signature.
      const stale = standardHeaders(websiteSecret, body, { timestamp: nowSeconds() - 600 });
      expectInvalidSignature(
        await send(body, { ...stale, 'webhook-timestamp': String(nowSeconds()) }),
        'mismatch',
      );
    });
  });

  it('refuses missing and malformed signature headers, and does not take API keys or tokens instead', async () => {
    const body = JSON.stringify(validIngestEvent());
    const signed = standardHeaders(websiteSecret, body);
    await publishesNothing(async () => {
      expectInvalidSignature(await send(body, {}), 'missing_signature');
      expectInvalidSignature(await send(body, { 'x-api-key': ENV_KEY }), 'missing_signature');
      expectInvalidSignature(await send(body, tokens.bearer('admin')), 'missing_signature');
      expectInvalidSignature(await send(body, { ...signed, 'webhook-signature': 'g0hM9SsE' }), 'bad_format');
      const { 'webhook-id': _id, ...withoutId } = signed;
      expectInvalidSignature(await send(body, withoutId), 'bad_format');
      const legacy = legacyHeaders(websiteSecret, body);
      expectInvalidSignature(
        await send(body, { 'x-webhook-signature': legacy['x-webhook-signature'] }),
        'bad_format',
      );
    });
  });

  it('accepts any of several space-separated v1 signatures', async () => {
    const body = JSON.stringify(validIngestEvent());
    const headers = standardHeaders(websiteSecret, body);
    const other = standardHeaders(`whsec_${Buffer.alloc(32, 2).toString('base64')}`, body, {
      id: headers['webhook-id'],
      timestamp: Number(headers['webhook-timestamp']),
    });
    const both = `${other['webhook-signature']} ${headers['webhook-signature']}`;
    expect((await send(body, { ...headers, 'webhook-signature': both })).status).toBe(202);
  });

  it("chooses the secret by the body's source: another source's secret does not verify, and WEBHOOK_SECRET only stands in for sources without one", async () => {
    await publishesNothing(async () => {
      // Signed with the website secret, but the body speaks for portal (no registered secret: WEBHOOK_SECRET).
      expectInvalidSignature(
        await sendSigned(websiteSecret, validIngestEvent({ source: 'portal' })),
        'mismatch',
      );
      // website has a registered secret, so the fallback does not apply there.
      expectInvalidSignature(await sendSigned(WEBHOOK_SECRET, validIngestEvent()), 'mismatch');
      expectInvalidSignature(
        await send(
          JSON.stringify(validIngestEvent()),
          legacyHeaders(WEBHOOK_SECRET, JSON.stringify(validIngestEvent())),
        ),
        'mismatch',
      );
    });
    const portal = await sendSigned(WEBHOOK_SECRET, validIngestEvent({ source: 'portal' }));
    expect(portal.status).toBe(202);
    expect((await lastIngestMessage()).envelope.data).toMatchObject({
      source: 'portal',
      metadata: { webhook: true },
    });

    // allowed_sources decide which sources a secret is registered for.
    const shared = await createSecret({
      name: 'Partner',
      source: 'lemlist',
      allowed_sources: ['lemlist', 'linkedin'],
    });
    expect((await sendSigned(shared.secret, validIngestEvent({ source: 'linkedin' }))).status).toBe(202);
    expect((await sendSigned(shared.secret, validIngestEvent({ source: 'lemlist' }))).status).toBe(202);
    expectInvalidSignature(
      await sendSigned(WEBHOOK_SECRET, validIngestEvent({ source: 'linkedin' })),
      'mismatch',
    );
  });

  it('rotates with grace: both secrets verify until it ends, then only the new one; without grace the old stops at once', async () => {
    const { id, secret: original } = await createSecret({ name: 'Ads', source: 'ads' });
    const ads = () => validIngestEvent({ source: 'ads' });
    expect((await sendSigned(original, ads())).status).toBe(202);

    const second = await rotate(id, { grace_seconds: 3600 });
    expect(second).not.toBe(original);
    expect((await sendSigned(second, ads())).status).toBe(202);
    expect((await sendSigned(original, ads())).status).toBe(202);
    const event = ads();
    const legacyBody = JSON.stringify(event);
    expect((await send(legacyBody, legacyHeaders(original, legacyBody))).status).toBe(202);

    // The grace period ends.
    await gw.sql(
      `UPDATE gateway.api_keys SET previous_valid_until = now() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await publishesNothing(async () => {
      expectInvalidSignature(await sendSigned(original, ads()), 'mismatch');
    });
    expect((await sendSigned(second, ads())).status).toBe(202);

    const third = await rotate(id, {});
    expect((await sendSigned(third, ads())).status).toBe(202);
    await publishesNothing(async () => {
      expectInvalidSignature(await sendSigned(second, ads()), 'mismatch');
    });
  });

  it('stops verifying a revoked secret at once (its ciphertext is wiped), without falling back to WEBHOOK_SECRET', async () => {
    const { id, secret } = await createSecret({ name: 'Conference app', source: 'conference' });
    const conference = () => validIngestEvent({ source: 'conference' });
    expect((await sendSigned(secret, conference())).status).toBe(202);
    expect((await gw.request(`/api/v1/api-keys/${id}`, { method: 'DELETE', headers: admin })).status).toBe(
      204,
    );

    await publishesNothing(async () => {
      expectInvalidSignature(await sendSigned(secret, conference()), 'mismatch');
      expectInvalidSignature(await sendSigned(WEBHOOK_SECRET, conference()), 'mismatch');
    });
    const [row] = await gw.sql<{ secret_ciphertext: string | null }>(
      `SELECT secret_ciphertext FROM gateway.api_keys WHERE id = $1`,
      [id],
    );
    expect(row.secret_ciphertext).toBeNull();
    expect(
      (await gw.request(`/api/v1/api-keys/${id}/rotate`, { method: 'POST', headers: admin, body: {} }))
        .status,
    ).toBe(404);
  });

  it('does not verify with an expired secret', async () => {
    const { id, secret } = await createSecret({ name: 'Manual', source: 'manual' });
    await gw.sql(`UPDATE gateway.api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    await publishesNothing(async () => {
      expectInvalidSignature(await sendSigned(secret, validIngestEvent({ source: 'manual' })), 'mismatch');
    });
  });

  it('counts verified requests in the signed class per source; refused ones are not counted', async () => {
    const { secret } = await createSecret({ name: 'Import job', source: 'import' });
    const importEvent = () => validIngestEvent({ source: 'import' });
    const limitHeaders = (response: ApiResponse) => ({
      limit: response.headers.get('x-ratelimit-limit'),
      remaining: Number(response.headers.get('x-ratelimit-remaining')),
      reset: Number(response.headers.get('x-ratelimit-reset')),
    });

    const first = await sendSigned(secret, importEvent());
    expect(first.status).toBe(202);
    const counted = limitHeaders(first);
    expect(counted.limit).toBe(String(SIGNED_LIMIT));
    expect(counted.remaining).toBeLessThan(SIGNED_LIMIT);
    expect(counted.reset).toBeGreaterThan(nowSeconds());

    const refused = await sendSigned(`whsec_${Buffer.alloc(32, 3).toString('base64')}`, importEvent());
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-ratelimit-limit')).toBeNull();

    const second = await sendSigned(secret, importEvent());
    expect(limitHeaders(second).remaining).toBe(counted.remaining - 1);
    // Another source has its own window.
    const other = await sendSigned(WEBHOOK_SECRET, validIngestEvent({ source: 'api' }));
    expect(other.status).toBe(202);
    expect(limitHeaders(other).remaining).toBe(SIGNED_LIMIT - 1);
  });
});
