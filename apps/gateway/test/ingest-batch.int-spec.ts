import { randomUUID } from 'node:crypto';
import { INGEST_BATCH_MAX_EVENTS, Subjects } from '@crm/contracts';
import { INGEST_EVENT_ID_NAMESPACE, uuidV5 } from '../src/events/event-id';
import { GatewayHarness, UUID } from './support/gateway-harness';
import { validIngestEvent as validEvent } from './support/ingest-events';

const WEBSITE_KEY = 'batch-key-website';
const READER_KEY = 'batch-reader-key-01';

let gw: GatewayHarness;

function ingestBatch(body: unknown, headers: Record<string, string> = {}) {
  return gw.request('/api/v1/events/ingest/batch', {
    method: 'POST',
    body,
    headers: { 'x-api-key': WEBSITE_KEY, ...headers },
  });
}

async function lastSeq(): Promise<number> {
  return (await gw.jsm.streams.info(gw.stream('INGEST'))).state.last_seq;
}

/** The envelopes stored on INGEST after `seq`, in stream order. */
async function envelopesAfter(seq: number): Promise<any[]> {
  const last = await lastSeq();
  const seqs = Array.from({ length: last - seq }, (_, i) => seq + 1 + i);
  const stored = await Promise.all(
    seqs.map((s) => gw.jsm.streams.getMessage(gw.stream('INGEST'), { seq: s })),
  );
  return stored.map((m) => m!.json<any>());
}

function uuidOf(eventId: string, source = 'website'): string {
  return uuidV5(`${source}:${eventId}`, INGEST_EVENT_ID_NAMESPACE);
}

beforeAll(async () => {
  gw = await GatewayHarness.start({
    API_KEYS: `${WEBSITE_KEY}:website, ${READER_KEY}:api:read`,
    WEB_DIST_DIR: '/nonexistent/web/dist',
  });
});

afterAll(async () => {
  await gw?.close();
});

describe('POST /api/v1/events/ingest/batch', () => {
  it('puts every accepted item on INGEST once, in the single-ingest envelope, and answers per item in input order', async () => {
    const before = await lastSeq();
    const events = [
      validEvent(),
      validEvent({ event_type: 'form_submitted', utm_campaign: undefined }),
      validEvent(),
    ];
    const response = await ingestBatch({ events }, { 'x-correlation-id': 'corr-batch-1' });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      success: true,
      accepted: 3,
      duplicates: 0,
      rejected: 0,
      results: events.map((event, index) => ({
        index,
        status: 'accepted',
        event_id: event.event_id,
        queued_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      })),
    });

    const stored = await envelopesAfter(before);
    expect(stored).toHaveLength(3);
    expect(stored.map((e) => e.data.event_id).sort()).toEqual(
      events.map((e) => uuidOf(e.event_id as string)).sort(),
    );
    const second = stored.find((e) => e.data.producer_event_id === events[1].event_id);
    expect(second).toEqual({
      id: expect.stringMatching(UUID),
      type: Subjects.IngestEventReceived,
      occurred_at: expect.any(String),
      producer: 'gateway',
      correlation_id: 'corr-batch-1',
      causation_id: null,
      idempotency_key: null,
      data: {
        event_id: uuidOf(events[1].event_id as string),
        producer_event_id: events[1].event_id,
        event_type: 'form_submitted',
        event_category: 'engagement',
        source: 'website',
        occurred_at: '2026-01-01T08:00:00.000Z',
        received_at: response.body.results[1].queued_at,
        lead_identifier: { email: 'Jane.Doe@Example.com' },
        metadata: { page: '/enterprise', api_key_source: 'website' },
        campaign_id: null,
        utm_source: null,
        utm_medium: null,
        utm_campaign: null,
      },
    });
  });

  it('answers repeats as duplicates with the first queued_at, within a batch and across batches', async () => {
    const known = validEvent();
    const first = await ingestBatch({ events: [known] });
    expect(first.body.results[0].status).toBe('accepted');

    const before = await lastSeq();
    const fresh = validEvent();
    const response = await ingestBatch({ events: [known, fresh, { ...fresh, event_type: 'again' }] });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ success: true, accepted: 1, duplicates: 2, rejected: 0 });
    expect(response.body.results).toEqual([
      { index: 0, status: 'duplicate', event_id: known.event_id, queued_at: first.body.results[0].queued_at },
      { index: 1, status: 'accepted', event_id: fresh.event_id, queued_at: expect.any(String) },
      {
        index: 2,
        status: 'duplicate',
        event_id: fresh.event_id,
        queued_at: response.body.results[1].queued_at,
      },
    ]);
    const stored = await envelopesAfter(before);
    expect(stored.map((e) => e.data.event_id)).toEqual([uuidOf(fresh.event_id as string)]);
    expect(stored[0].data.event_type).toBe('page_visited');
  });

  it('rejects invalid items one by one, with field paths, and accepts the others', async () => {
    const before = await lastSeq();
    const { lead_identifier: _withoutIdentifier, ...missingIdentifier } = validEvent();
    const events: any[] = [
      validEvent(),
      validEvent({ lead_identifier: { email: 'not-an-email' } }),
      missingIdentifier,
      'not an event',
      validEvent({ occurred_at: 'yesterday', source: 'myspace' }),
      validEvent(),
    ];
    const response = await ingestBatch({ events });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ success: false, accepted: 2, duplicates: 0, rejected: 4 });
    const results = response.body.results;
    expect(results.map((r: { status: string }) => r.status)).toEqual([
      'accepted',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'accepted',
    ]);
    const issuesOf = (index: number) => {
      expect(results[index].error.code).toBe('VALIDATION_ERROR');
      return results[index].error.details.validation_errors;
    };
    expect(issuesOf(1)).toContainEqual(
      expect.objectContaining({ path: 'events.1.lead_identifier.email', code: 'isEmail' }),
    );
    expect(issuesOf(2)).toContainEqual(
      expect.objectContaining({ path: 'events.2.lead_identifier', code: 'isDefined' }),
    );
    expect(issuesOf(3)).toEqual([{ path: 'events.3', code: 'isObject', message: 'must be an object' }]);
    expect(issuesOf(4)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'events.4.occurred_at', code: 'isRfc3339' }),
        expect.objectContaining({ path: 'events.4.source', code: 'isIn' }),
      ]),
    );
    expect(results[1].event_id).toBe(events[1].event_id);
    expect(results[3].event_id).toBeNull();

    const stored = await envelopesAfter(before);
    expect(stored.map((e) => e.data.producer_event_id)).toEqual([events[0].event_id, events[5].event_id]);
  });

  it('publishes a full batch of 1,000 events, each exactly once', async () => {
    const before = await lastSeq();
    const events = Array.from({ length: INGEST_BATCH_MAX_EVENTS }, (_, i) =>
      validEvent({ lead_identifier: { email: `lead-${i}@example.com` } }),
    );
    const response = await ingestBatch({ events });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ success: true, accepted: 1000, duplicates: 0, rejected: 0 });
    expect(response.body.results.map((r: { index: number }) => r.index)).toEqual(events.map((_, i) => i));
    const stored = await envelopesAfter(before);
    expect(stored).toHaveLength(1000);
    expect(new Set(stored.map((e) => e.data.event_id))).toEqual(
      new Set(events.map((e) => uuidOf(e.event_id as string))),
    );
  });

  it('dedupes items without event_id on the Idempotency-Key header plus their position', async () => {
    const key = `batch-retry-${randomUUID()}`;
    const { event_id: _a, ...first } = validEvent();
    const { event_id: _b, ...second } = validEvent({ event_type: 'form_submitted' });
    const sent = await ingestBatch({ events: [first, second] }, { 'idempotency-key': key });
    const retried = await ingestBatch({ events: [first, second] }, { 'idempotency-key': key });

    expect(sent.body.results.map((r: { event_id: string }) => r.event_id)).toEqual([
      uuidOf(`${key}:0`),
      uuidOf(`${key}:1`),
    ]);
    expect(sent.body.accepted).toBe(2);
    expect(retried.body).toMatchObject({ accepted: 0, duplicates: 2 });
  });

  it('takes an item’s correlation_id when no X-Correlation-ID header names the flow', async () => {
    const before = await lastSeq();
    const correlationId = randomUUID();
    const response = await ingestBatch({
      events: [validEvent({ correlation_id: correlationId }), validEvent()],
    });

    expect(response.body.accepted).toBe(2);
    const requestId = response.headers.get('x-request-id');
    const correlationIds = (await envelopesAfter(before)).map((e) => e.correlation_id).sort();
    expect(correlationIds).toEqual([correlationId, requestId].sort());
  });

  describe('rejects a structurally invalid body with 400 VALIDATION_ERROR and publishes nothing', () => {
    const cases: [string, unknown, string, string][] = [
      ['an array instead of an object', [validEvent()], '', 'isObject'],
      ['no events', { event: validEvent() }, 'events', 'isArray'],
      ['events not an array', { events: validEvent() }, 'events', 'isArray'],
      ['no items', { events: [] }, 'events', 'arrayNotEmpty'],
      [
        'more than 1,000 items',
        { events: Array.from({ length: INGEST_BATCH_MAX_EVENTS + 1 }, () => validEvent()) },
        'events',
        'arrayMaxSize',
      ],
    ];

    it.each(cases)('%s', async (_name, body, path, code) => {
      const before = await lastSeq();
      const response = await ingestBatch(body);

      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_ERROR');
      expect(response.body.error.request_id).toBe(response.headers.get('x-request-id'));
      expect(response.body.error.details.validation_errors).toContainEqual(
        expect.objectContaining({ path, code }),
      );
      expect(await lastSeq()).toBe(before);
    });

    it('an Idempotency-Key longer than 255 characters', async () => {
      const before = await lastSeq();
      const response = await ingestBatch({ events: [validEvent()] }, { 'idempotency-key': 'k'.repeat(256) });
      expect(response.status).toBe(400);
      expect(response.body.error.details.validation_errors[0].path).toBe('headers.idempotency-key');
      expect(await lastSeq()).toBe(before);
    });
  });

  it('applies the single-ingest auth rules: no key, wrong scope, and per item the key’s sources', async () => {
    const before = await lastSeq();
    const none = await gw.request('/api/v1/events/ingest/batch', {
      method: 'POST',
      body: { events: [validEvent()] },
    });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('AUTHENTICATION_ERROR');

    const unknown = await ingestBatch({ events: [validEvent()] }, { 'x-api-key': 'not-a-real-key' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('INVALID_API_KEY');

    const reader = await ingestBatch(
      { events: [validEvent({ source: 'api' })] },
      { 'x-api-key': READER_KEY },
    );
    expect(reader.status).toBe(403);
    expect(reader.body.error).toMatchObject({
      code: 'INSUFFICIENT_SCOPE',
      details: { required_scope: 'events:write' },
    });
    expect(await lastSeq()).toBe(before);

    const portal = validEvent({ source: 'portal' });
    const website = validEvent();
    const mixed = await ingestBatch({ events: [portal, website] });
    expect(mixed.status).toBe(200);
    expect(mixed.body).toMatchObject({ success: false, accepted: 1, rejected: 1 });
    expect(mixed.body.results[0]).toEqual({
      index: 0,
      status: 'rejected',
      event_id: portal.event_id,
      error: {
        code: 'SOURCE_NOT_ALLOWED',
        message: "This API key may not send events for source 'portal'",
        details: { source: 'portal' },
      },
    });
    const stored = await envelopesAfter(before);
    expect(stored.map((e) => e.data.producer_event_id)).toEqual([website.event_id]);
  });
});

// Last: it removes the INGEST stream.
describe('when no event of the batch can be made durable', () => {
  it('answers 503 SERVICE_UNAVAILABLE with Retry-After, like single ingest', async () => {
    await gw.jsm.streams.delete(gw.stream('INGEST'));

    const response = await ingestBatch({ events: [validEvent(), validEvent(), { not: 'valid' }] });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.body.error).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      request_id: expect.any(String),
    });
  });
});
