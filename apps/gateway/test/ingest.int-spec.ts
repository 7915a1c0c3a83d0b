import { randomUUID } from 'node:crypto';
import { Subjects } from '@crm/contracts';
import { INGEST_EVENT_ID_NAMESPACE, uuidV5 } from '../src/events/event-id';
import { GatewayHarness, sha256Hex, UUID } from './support/gateway-harness';
import { acceptedIngestAnswer, validIngestEvent as validEvent } from './support/ingest-events';

const WEBSITE_KEY = 'ingest-key-website';
const ALL_SCOPES_KEY = 'all-scopes-key-01';
const READER_KEY = 'reader-key-0001';

let gw: GatewayHarness;

function ingest(body: unknown, headers: Record<string, string> = {}) {
  return gw.request('/api/v1/events/ingest', {
    method: 'POST',
    body,
    headers: { 'x-api-key': WEBSITE_KEY, ...headers },
  });
}

async function lastIngestMessage() {
  const stored = await gw.jsm.streams.getMessage(gw.stream('INGEST'), {
    last_by_subj: gw.subject(Subjects.IngestEventReceived),
  });
  if (!stored) throw new Error('no ingest message on the stream');
  return { envelope: stored.json<any>(), msgId: stored.header.get('Nats-Msg-Id'), seq: stored.seq };
}

beforeAll(async () => {
  gw = await GatewayHarness.start({
    API_KEYS: `${WEBSITE_KEY}:website, ${ALL_SCOPES_KEY}:api:events:write+read+write, ${READER_KEY}:api:read`,
    WEB_DIST_DIR: '/nonexistent/web/dist',
  });
});

afterAll(async () => {
  await gw?.close();
});

describe('POST /api/v1/events/ingest', () => {
  it('answers 202 after the event is on the INGEST stream, in the contract envelope', async () => {
    const before = await gw.streamMessageCount('INGEST');
    const event = validEvent({ metadata: { page: '/enterprise', api_key_source: 'spoofed' } });
    const response = await ingest(event, {
      'x-correlation-id': 'corr-ingest-1',
      'x-request-id': 'req-ingest-1',
    });

    expect(response.status).toBe(202);
    expect(response.body).toEqual(acceptedIngestAnswer(event.event_id));
    expect(response.headers.get('x-request-id')).toBe('req-ingest-1');
    expect(response.headers.get('x-correlation-id')).toBe('corr-ingest-1');
    expect(await gw.streamMessageCount('INGEST')).toBe(before + 1);

    const uuid = uuidV5(`website:${event.event_id}`, INGEST_EVENT_ID_NAMESPACE);
    const { envelope, msgId } = await lastIngestMessage();
    expect(msgId).toBe(`website:${uuid}`);
    expect(envelope).toEqual({
      id: expect.stringMatching(UUID),
      type: Subjects.IngestEventReceived,
      occurred_at: expect.any(String),
      producer: 'gateway',
      correlation_id: 'corr-ingest-1',
      causation_id: null,
      idempotency_key: null,
      data: {
        event_id: uuid,
        producer_event_id: event.event_id,
        event_type: 'page_visited',
        event_category: 'engagement',
        source: 'website',
        occurred_at: '2026-01-01T08:00:00.000Z',
        received_at: response.body.queued_at,
        lead_identifier: { email: 'Jane.Doe@Example.com' },
        metadata: { page: '/enterprise', api_key_source: 'website' },
        campaign_id: null,
        utm_source: null,
        utm_medium: null,
        utm_campaign: 'spring',
      },
    });
  });

  it('answers the same event_id again with 200 duplicate and the first queued_at, publishing once', async () => {
    const before = await gw.streamMessageCount('INGEST');
    const event = validEvent();
    const first = await ingest(event);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await ingest({ ...event, event_type: 'page_visited_again' });

    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({
      success: true,
      event_id: event.event_id,
      duplicate: true,
      message: 'Duplicate event ignored',
      queued_at: first.body.queued_at,
    });
    expect(await gw.streamMessageCount('INGEST')).toBe(before + 1);
    expect((await lastIngestMessage()).envelope.data.event_type).toBe('page_visited');
  });

  it('keeps a UUID event_id as the event uuid', async () => {
    const eventId = randomUUID();
    const response = await ingest(validEvent({ event_id: eventId }));
    expect(response.status).toBe(202);
    expect(response.body.event_id).toBe(eventId);
    expect((await lastIngestMessage()).envelope.data.event_id).toBe(eventId);
  });

  it('dedupes on the Idempotency-Key header when the body has no event_id', async () => {
    const key = `retry-${randomUUID()}`;
    const { event_id: _omitted, ...event } = validEvent();
    const first = await ingest(event, { 'idempotency-key': key });
    const second = await ingest(event, { 'idempotency-key': key });
    const uuid = uuidV5(`website:${key}`, INGEST_EVENT_ID_NAMESPACE);

    expect(first.status).toBe(202);
    expect(first.body.event_id).toBe(uuid);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ duplicate: true, event_id: uuid, queued_at: first.body.queued_at });
    expect((await lastIngestMessage()).envelope.data).toMatchObject({
      event_id: uuid,
      producer_event_id: null,
    });
  });

  it('gives an event without any key a fresh uuid and takes the correlation id from the body when no header names one', async () => {
    const correlationId = randomUUID();
    const { event_id: _omitted, ...event } = validEvent({ correlation_id: correlationId });
    const first = await ingest(event);
    const second = await ingest(event);

    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(first.body.event_id).toMatch(UUID);
    expect(second.body.event_id).not.toBe(first.body.event_id);
    expect(first.headers.get('x-correlation-id')).toBe(correlationId);
    expect((await lastIngestMessage()).envelope.correlation_id).toBe(correlationId);
  });

  describe('rejects malformed bodies with 400 VALIDATION_ERROR and publishes nothing', () => {
    const { lead_identifier: _withoutIdentifier, ...missingIdentifier } = validEvent();
    const cases: [string, unknown, string, string][] = [
      ['missing lead_identifier', missingIdentifier, 'lead_identifier', 'isDefined'],
      ['empty lead_identifier', validEvent({ lead_identifier: {} }), 'lead_identifier', 'hasAnyOf'],
      [
        'blank identifier values',
        validEvent({ lead_identifier: { email: '', portal_id: '  ' } }),
        'lead_identifier',
        'hasAnyOf',
      ],
      [
        'malformed email',
        validEvent({ lead_identifier: { email: 'not-an-email' } }),
        'lead_identifier.email',
        'isEmail',
      ],
      ['unknown source', validEvent({ source: 'myspace' }), 'source', 'isIn'],
      ['impossible month', validEvent({ occurred_at: '2026-13-01' }), 'occurred_at', 'isRfc3339'],
      [
        'impossible month with a time',
        validEvent({ occurred_at: '2026-13-01T10:00:00Z' }),
        'occurred_at',
        'isRfc3339',
      ],
      ['a word for a date', validEvent({ occurred_at: 'yesterday' }), 'occurred_at', 'isRfc3339'],
      ['a date without a time', validEvent({ occurred_at: '2026-01-01' }), 'occurred_at', 'isRfc3339'],
      [
        'a time more than an hour ahead',
        validEvent({ occurred_at: new Date(Date.now() + 2 * 3600_000).toISOString() }),
        'occurred_at',
        'isNotFutureBeyond',
      ],
      ['a number for event_type', validEvent({ event_type: 5 }), 'event_type', 'isString'],
      ['a string for metadata', validEvent({ metadata: 'x' }), 'metadata', 'isObject'],
      [
        'metadata over 64 KB',
        validEvent({ metadata: { blob: 'x'.repeat(65 * 1024) } }),
        'metadata',
        'maxJsonBytes',
      ],
      ['an event_id with spaces', validEvent({ event_id: 'has spaces' }), 'event_id', 'matches'],
      ['an array instead of an object', [validEvent()], '', 'isObject'],
    ];

    it.each(cases)('%s', async (_name, body, path, code) => {
      const before = await gw.streamMessageCount('INGEST');
      const response = await ingest(body);

      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_ERROR');
      expect(response.body.error.request_id).toBe(response.headers.get('x-request-id'));
      const issues: { path: string; code: string; message: string }[] =
        response.body.error.details.validation_errors;
      expect(issues).toContainEqual(expect.objectContaining({ path, code }));
      expect(await gw.streamMessageCount('INGEST')).toBe(before);
    });

    it('an Idempotency-Key longer than 255 characters', async () => {
      const { event_id: _omitted, ...event } = validEvent();
      const response = await ingest(event, { 'idempotency-key': 'k'.repeat(256) });
      expect(response.status).toBe(400);
      expect(response.body.error.details.validation_errors[0].path).toBe('headers.idempotency-key');
    });
  });

  it('rejects a body over 1 MiB with 413, invalid JSON with 400 INVALID_JSON and non-JSON media types with 415', async () => {
    const before = await gw.streamMessageCount('INGEST');
    const huge = await ingest(validEvent({ metadata: { blob: 'x'.repeat(1024 * 1024 + 10) } }));
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', request_id: expect.any(String) });

    const broken = await ingest('{"event_type": "page_visited",', { 'content-type': 'application/json' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('INVALID_JSON');

    const text = await ingest(JSON.stringify(validEvent()), { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const form = await ingest('event_type=page_visited', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    expect(await gw.streamMessageCount('INGEST')).toBe(before);
  });
});

describe('API key authentication', () => {
  it('stores the API_KEYS keys hashed, never in plain text', async () => {
    const rows = await gw.sql<{
      key_hash: string;
      source: string;
      allowed_sources: string[];
      scopes: string[];
      is_active: boolean;
    }>(
      'SELECT key_hash, source, allowed_sources, scopes, is_active FROM gateway.api_keys ORDER BY source, key_hash',
    );
    expect(rows).toHaveLength(3);
    expect(rows).toContainEqual({
      key_hash: sha256Hex(WEBSITE_KEY),
      source: 'website',
      allowed_sources: ['website'],
      scopes: ['events:write'],
      is_active: true,
    });
    expect(rows).toContainEqual(
      expect.objectContaining({
        key_hash: sha256Hex(ALL_SCOPES_KEY),
        scopes: ['events:write', 'read', 'write'],
      }),
    );
    const everything = JSON.stringify(await gw.sql('SELECT * FROM gateway.api_keys'));
    for (const key of [WEBSITE_KEY, ALL_SCOPES_KEY, READER_KEY]) expect(everything).not.toContain(key);
  });

  it('refuses missing, unknown, under-scoped and source-restricted keys, publishing nothing', async () => {
    const before = await gw.streamMessageCount('INGEST');

    const none = await gw.request('/api/v1/events/ingest', { method: 'POST', body: validEvent() });
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: 'AUTHENTICATION_ERROR', request_id: expect.any(String) });

    const wrong = await ingest(validEvent(), { 'x-api-key': 'not-a-real-key' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_API_KEY');

    const reader = await ingest(validEvent({ source: 'api' }), { 'x-api-key': READER_KEY });
    expect(reader.status).toBe(403);
    expect(reader.body.error).toMatchObject({
      code: 'INSUFFICIENT_SCOPE',
      details: { required_scope: 'events:write' },
    });

    const otherSource = await ingest(validEvent({ source: 'portal' }));
    expect(otherSource.status).toBe(403);
    expect(otherSource.body.error).toMatchObject({
      code: 'SOURCE_NOT_ALLOWED',
      details: { source: 'portal' },
    });

    expect(await gw.streamMessageCount('INGEST')).toBe(before);
  });

  it('lets a present Authorization header decide alone, even next to a valid key', async () => {
    const response = await ingest(validEvent(), { authorization: 'Bearer whatever' });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('AUTHENTICATION_ERROR');
  });

  it('needs the read scope for GETs and the write scope for other methods', async () => {
    const ingestOnly = await gw.request('/api/v1/leads', { headers: { 'x-api-key': WEBSITE_KEY } });
    expect(ingestOnly.status).toBe(403);
    expect(ingestOnly.body.error).toMatchObject({
      code: 'INSUFFICIENT_SCOPE',
      details: { required_scope: 'read' },
    });

    const readOnly = await gw.request('/api/v1/deals', {
      method: 'POST',
      headers: { 'x-api-key': READER_KEY },
      body: { lead_id: randomUUID(), pipeline_id: randomUUID() },
    });
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.error.details.required_scope).toBe('write');
  });
});

describe('HTTP conventions', () => {
  it('generates a request id when the sent one is not acceptable, and answers unknown routes with the envelope', async () => {
    const response = await gw.request('/api/v1/no-such-thing', {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(response.status).toBe(404);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(UUID);
    expect(response.body).toEqual({
      error: { code: 'NOT_FOUND', message: 'Route not found', request_id: requestId },
    });
  });

  it('serves the API index and, without a built UI, the status page', async () => {
    const index = await gw.request('/api/v1');
    expect(index.status).toBe(200);
    expect(index.body).toEqual({ name: 'DNA Marketing Engine', version: '0.1.0', docs: '/docs' });

    const page = await gw.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('<title>DNA Marketing Engine</title>');
    expect(page.text).toContain('href="/health"');
  });

  it('answers CORS preflights with the api.md §1.5 request and response headers, and a request id', async () => {
    const response = await gw.request('/api/v1/events/ingest', {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-api-key,content-type,idempotency-key',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(response.headers.get('access-control-allow-headers')!.split(/,\s*/)).toEqual([
      'Authorization',
      'Content-Type',
      'X-API-Key',
      'Idempotency-Key',
      'X-Request-ID',
      'X-Correlation-ID',
      'X-Webhook-Signature',
      'X-Webhook-Timestamp',
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ]);
    // X-Correlation-ID too: §1.5 echoes it, and a browser can read it only if it is exposed.
    expect(response.headers.get('access-control-expose-headers')!.split(/,\s*/)).toEqual([
      'X-Total-Count',
      'X-Request-ID',
      'X-Correlation-ID',
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
      'Retry-After',
      'Idempotency-Replayed',
    ]);
    expect(response.headers.get('x-request-id')).toMatch(UUID);
  });

  it('allows only the CORS_ORIGINS origins when set', async () => {
    const restricted = await GatewayHarness.start({ CORS_ORIGINS: 'https://crm.dna-me.example' });
    try {
      const preflight = (origin: string) =>
        restricted.request('/api/v1/events/ingest', {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST' },
        });
      expect((await preflight('https://crm.dna-me.example')).headers.get('access-control-allow-origin')).toBe(
        'https://crm.dna-me.example',
      );
      expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await restricted.close();
    }
  });

  it('is ready while its database, NATS and the INGEST stream work', async () => {
    const ready = await gw.request('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ ready: true });
  });
});

// Last: it removes the INGEST stream.
describe('when the event cannot be made durable', () => {
  it('answers 503 SERVICE_UNAVAILABLE with Retry-After, and /ready reports the missing stream', async () => {
    await gw.jsm.streams.delete(gw.stream('INGEST'));

    const response = await ingest(validEvent());
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.body.error).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      request_id: expect.any(String),
    });

    const ready = await gw.request('/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({
      ready: false,
      reason: 'not ready: ingest_stream',
      checks: { database: true, nats: true, ingest_stream: false },
    });
  });
});
