import 'reflect-metadata';
import { validatePlain } from '../validation';
import { fastAcceptIngestEvent, IngestEventRequest, INGEST_METADATA_MAX_BYTES } from './ingest-event.request';

const HOUR = 3600_000;
const ABSENT = Symbol('absent');

function validBody(): Record<string, unknown> {
  return {
    event_id: 'evt-1',
    event_type: 'page_visited',
    event_category: 'engagement',
    source: 'website',
    occurred_at: '2026-01-01T10:00:00.000+02:00',
    lead_identifier: { email: 'jane.doe@example.com' },
    metadata: { page: '/pricing', nested: { list: [1, 'two', null] } },
    campaign_id: 'spring',
    utm_source: 'newsletter',
    utm_medium: 'email',
    utm_campaign: 'launch',
    correlation_id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  };
}

const long = (n: number, unit = 'x') => unit.repeat(n);
/** Surrogate pairs count as one character for class-validator's length checks. */
const emoji = (n: number) => '😀'.repeat(n);
const commonBad: unknown[] = [null, 5, true, '', ' ', [], {}, ['a']];

/** Candidate values per top-level field: valid ones, boundaries and many ways to be wrong. */
const FIELD_VALUES: Record<string, unknown[]> = {
  event_id: [ABSENT, 'a', long(128), long(129), 'has spaces', 'a/b', 'ok.id:1-2_3', ...commonBad],
  event_type: [ABSENT, 'x', long(100), long(101), emoji(100), emoji(101), ...commonBad],
  event_category: [ABSENT, long(50), long(51), emoji(50), ...commonBad],
  source: [ABSENT, 'api', 'import', 'Website', 'myspace', ...commonBad],
  occurred_at: [
    ABSENT,
    '2026-01-01T10:00:00Z',
    '2026-01-01t10:00:00z',
    '2026-01-01T10:00:00.123456789-05:30',
    '0001-01-01T00:00:00Z',
    '2026-13-01T10:00:00Z',
    '2026-02-30T10:00:00Z',
    '2026-01-01',
    '2026-01-01T10:00Z',
    'yesterday',
    new Date(Date.now() + 30 * 60_000).toISOString(),
    new Date(Date.now() + 2 * HOUR).toISOString(),
    ...commonBad,
  ],
  lead_identifier: [
    ABSENT,
    { portal_id: 'p-1' },
    { waalaxy_id: 'w-1', lemlist_id: 'l-1' },
    { linkedin_url: 'https://www.linkedin.com/in/jane' },
    { linkedin_url: 'http://intranet/profile' },
    { linkedin_url: 'not a url' },
    { linkedin_url: `https://example.com/${long(250)}` },
    { email: 'not-an-email' },
    { email: `${long(64)}@${long(180)}.com` },
    { email: '' },
    { email: '', portal_id: '  ' },
    { email: 5 },
    { email: null, portal_id: 'p-1' },
    { portal_id: long(101) },
    { portal_id: 'p-1', email: 'bad' },
    { portal_id: 'p-1', unknown: 'ignored' },
    ...commonBad,
  ],
  metadata: [
    ABSENT,
    { a: 1 },
    { blob: long(INGEST_METADATA_MAX_BYTES - 20) },
    { blob: long(INGEST_METADATA_MAX_BYTES) },
    { blob: emoji(INGEST_METADATA_MAX_BYTES / 4) },
    'x',
    ...commonBad,
  ],
  campaign_id: [ABSENT, long(100), long(101), ...commonBad],
  utm_source: [ABSENT, long(100), long(101), ...commonBad],
  utm_medium: [ABSENT, long(100), long(101), ...commonBad],
  utm_campaign: [ABSENT, long(100), long(101), ...commonBad],
  correlation_id: [ABSENT, '0F8FAD5B-D9CB-469F-A165-70867728950E', 'not-a-uuid', ...commonBad],
};

function withField(field: string, value: unknown): Record<string, unknown> {
  const body = validBody();
  if (value === ABSENT) delete body[field];
  else body[field] = value;
  return body;
}

const variants: Record<string, unknown>[] = Object.entries(FIELD_VALUES).flatMap(([field, values]) =>
  values.map((value) => withField(field, value)),
);

describe('fastAcceptIngestEvent', () => {
  it.each([
    ['a full valid body', validBody()],
    [
      'a minimal body',
      {
        event_type: 'x',
        source: 'api',
        occurred_at: '2026-01-01T10:00:00Z',
        lead_identifier: { portal_id: 'p' },
      },
    ],
  ])('accepts %s as the full validation does, with the same values', (_name, body) => {
    const fast = fastAcceptIngestEvent(body);
    const full = validatePlain(IngestEventRequest, body);
    expect(full.ok).toBe(true);
    expect(fast).toBeInstanceOf(IngestEventRequest);
    expect(JSON.parse(JSON.stringify(fast))).toEqual(JSON.parse(JSON.stringify(full.ok && full.value)));
  });

  it('never accepts a body the decorators reject, and agrees on the values of those it accepts', () => {
    let fastAccepted = 0;
    for (const body of [...variants, 'a string', null, [validBody()], 42]) {
      const fast = fastAcceptIngestEvent(body);
      if (fast === undefined) continue;
      fastAccepted++;
      const full = validatePlain(IngestEventRequest, body);
      expect({ body, issues: full.ok ? [] : full.issues }).toEqual({ body, issues: [] });
      expect(JSON.parse(JSON.stringify(fast))).toEqual(JSON.parse(JSON.stringify(full.ok && full.value)));
    }
    // The comparison above means something only if the fast path takes the ordinary valid cases.
    expect(fastAccepted).toBeGreaterThan(30);
  });

  it('leaves null optional fields to the full validation (which accepts them)', () => {
    const body = withField('event_category', null);
    expect(fastAcceptIngestEvent(body)).toBeUndefined();
    expect(validatePlain(IngestEventRequest, body).ok).toBe(true);
  });
});
