import { randomUUID } from 'node:crypto';
import { NotFoundError, Queries, Subjects } from '@crm/contracts';
import { INGEST_EVENT_ID_NAMESPACE, uuidV5 } from '../src/events/event-id';
import { LEAD_EXPORT_COLUMNS } from '../src/lead-imports/lead-csv';
import { AccessTokens } from './support/access-tokens';
import { GatewayHarness, UUID } from './support/gateway-harness';
import { RpcResponders } from './support/rpc-responders';

const CSV_KEY = 'import-key-csv-import-01';
const WEBSITE_KEY = 'import-key-website-only';
const READER_KEY = 'import-key-reader-00001';
const JWT_SECRET = 'lead-imports-test-secret-0123456789abcdef';
const tokens = new AccessTokens(JWT_SECRET);

let gw: GatewayHarness;
const responders = new RpcResponders(() => gw);

beforeAll(async () => {
  gw = await GatewayHarness.start({
    API_KEYS: `${CSV_KEY}:csv_import, ${WEBSITE_KEY}:website, ${READER_KEY}:api:read`,
    RPC_TIMEOUT_MS: '2000',
    JWT_SECRET,
    WEB_DIST_DIR: '/nonexistent/web/dist',
  });
});
afterEach(() => responders.stopAll());
afterAll(() => gw?.close());

const bulk = (body: unknown, headers: Record<string, string> = { 'x-api-key': CSV_KEY }) =>
  gw.request('/api/v1/leads/bulk', { method: 'POST', body, headers });

const lastSeq = async () => (await gw.jsm.streams.info(gw.stream('INGEST'))).state.last_seq;
async function envelopesAfter(seq: number): Promise<any[]> {
  const last = await lastSeq();
  const seqs = Array.from({ length: last - seq }, (_, i) => seq + 1 + i);
  const stored = await Promise.all(
    seqs.map((s) => gw.jsm.streams.getMessage(gw.stream('INGEST'), { seq: s })),
  );
  return stored
    .map((m) => m!.json<any>())
    .sort((a, b) => a.data.import.batch_index - b.data.import.batch_index);
}

/** leads' side of the registration: the first registration of a batch id stands. */
async function registrar() {
  const registered = new Map<string, string>();
  return responders.answer(Queries.LeadsRegisterImport, (data) => {
    if (!registered.has(data.batch_id)) registered.set(data.batch_id, data.queued_at);
    return { batch_id: data.batch_id, queued_at: registered.get(data.batch_id) };
  });
}

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `row${i}@lab.example` }));

describe('POST /api/v1/leads/bulk', () => {
  it('registers the batch, publishes one lead_imported event per row and answers 202', async () => {
    const register = await registrar();
    const before = await lastSeq();
    const response = await bulk({
      source: 'csv_import',
      campaign_id: 'expo-25',
      skip_duplicates: false,
      leads: [
        {
          email: 'jane@acme-bio.example',
          first_name: 'Jane',
          job_title: 'PI',
          company_name: 'Acme Bio',
          country: 'DE',
          linkedin_url: 'https://www.linkedin.com/in/jane',
          message: 'Met at the booth',
          metadata: { booth: 'B12', api_key_source: 'forged' },
        },
        { email: 'bob@lab.example', source: 'csv_import', campaign_id: 'own-campaign' },
      ],
    });

    expect(response.status).toBe(202);
    expect(response.body).toEqual({
      success: true,
      message: '2 leads queued for import',
      batch_id: expect.stringMatching(UUID),
      total_leads: 2,
      queued_at: expect.any(String),
    });
    const batchId = response.body.batch_id;
    expect(register.calls).toEqual([
      {
        actor: { type: 'api_key', id: expect.any(String), name: expect.any(String) },
        batch_id: batchId,
        source: 'csv_import',
        campaign_id: 'expo-25',
        total_leads: 2,
        skip_duplicates: false,
        notify_on_complete: false,
        requester_email: null,
        queued_at: expect.any(String),
      },
    ]);

    const envelopes = await envelopesAfter(before);
    expect(envelopes.map((e) => e.type)).toEqual([
      Subjects.IngestEventReceived,
      Subjects.IngestEventReceived,
    ]);
    expect(envelopes[0].data).toEqual({
      event_id: uuidV5(`${batchId}:0`, INGEST_EVENT_ID_NAMESPACE),
      producer_event_id: `${batchId}:0`,
      event_type: 'lead_imported',
      event_category: 'import',
      source: 'import',
      occurred_at: response.body.queued_at,
      received_at: response.body.queued_at,
      lead_identifier: { email: 'jane@acme-bio.example', linkedin_url: 'https://www.linkedin.com/in/jane' },
      metadata: {
        booth: 'B12',
        first_name: 'Jane',
        job_title: 'PI',
        company_name: 'Acme Bio',
        country: 'DE',
        api_key_source: 'csv_import',
      },
      campaign_id: 'expo-25',
      utm_source: null,
      utm_medium: null,
      utm_campaign: null,
      import: {
        batch_id: batchId,
        batch_index: 0,
        source: 'csv_import',
        skip_duplicates: false,
        message: 'Met at the booth',
      },
    });
    expect(envelopes[1].data).toMatchObject({
      campaign_id: 'own-campaign',
      import: { batch_index: 1, skip_duplicates: false },
    });
  });

  it('rejects the whole batch for one invalid row, naming it (leads.N.field), and publishes nothing', async () => {
    const register = await registrar();
    const before = await lastSeq();
    const leads = rows(20);
    (leads[17] as Record<string, unknown>).email = 'not-an-email';
    (leads[3] as Record<string, unknown>).country = 'Germany';
    const response = await bulk({ source: 'csv_import', leads });

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_ERROR');
    const paths = response.body.error.details.validation_errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['leads.17.email', 'leads.3.country']));
    expect(register.calls).toEqual([]);
    expect(await lastSeq()).toBe(before);

    const structural = await Promise.all([
      bulk({ leads: rows(1) }),
      bulk({ source: 'csv_import', leads: [] }),
      bulk({ source: 'csv_import', leads: rows(1001) }),
      bulk({ source: 'csv_import', leads: [{ email: 'a@b.example', message: 'x'.repeat(100_001) }] }),
    ]);
    expect(structural.map((r) => [r.status, r.body.error.details.validation_errors[0].path])).toEqual([
      [400, 'source'],
      [400, 'leads'],
      [400, 'leads'],
      [400, 'leads.0.message'],
    ]);
  });

  it('takes bodies above 1 MiB (10 MiB limit), unlike other routes', async () => {
    await registrar();
    const leads = Array.from({ length: 30 }, (_, i) => ({
      email: `big${i}@lab.example`,
      message: 'm'.repeat(60_000),
    }));
    const big = await bulk({ source: 'csv_import', leads });
    expect(big.status).toBe(202);
    const elsewhere = await gw.request('/api/v1/events/ingest/batch', {
      method: 'POST',
      body: { events: leads },
      headers: { 'x-api-key': CSV_KEY },
    });
    expect(elsewhere.status).toBe(413);
  });

  it('needs events:write or a member, and a source the key may use', async () => {
    const register = await registrar();
    const body = { source: 'csv_import', leads: rows(1) };
    expect((await bulk(body, {})).status).toBe(401);
    expect((await bulk(body, { 'x-api-key': READER_KEY })).body.error.code).toBe('INSUFFICIENT_SCOPE');
    const website = await bulk(body, { 'x-api-key': WEBSITE_KEY });
    expect([website.status, website.body.error.code]).toEqual([403, 'SOURCE_NOT_ALLOWED']);
    expect(register.calls).toEqual([]);

    const member = { id: randomUUID(), email: 'ada@dna-me.example' };
    const asMember = await bulk({ ...body, notify_on_complete: true }, tokens.bearer('bdr', member));
    expect(asMember.status).toBe(202);
    expect(register.calls[0]).toMatchObject({
      actor: { type: 'user', id: member.id },
      notify_on_complete: true,
      requester_email: member.email,
    });
  });

  it('answers a retry with the same Idempotency-Key with the same batch; its batch id derives from the key', async () => {
    const register = await registrar();
    const key = `import-${randomUUID()}`;
    const body = { source: 'csv_import', leads: rows(2) };
    const first = await bulk(body, { 'x-api-key': CSV_KEY, 'idempotency-key': key });
    const again = await bulk(body, { 'x-api-key': CSV_KEY, 'idempotency-key': key });
    expect(first.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(register.calls).toHaveLength(1);
    const other = await bulk(body, { 'x-api-key': CSV_KEY, 'idempotency-key': `${key}-other` });
    expect(other.body.batch_id).not.toBe(first.body.batch_id);
  });
});

describe('GET /api/v1/leads/bulk/:batch_id', () => {
  it('answers the batch status from leads, 404 for an unknown batch, 400 for a malformed id', async () => {
    const batchId = randomUUID();
    const view = {
      batch_id: batchId,
      source: 'csv_import',
      status: 'completed',
      queued_at: '2026-01-01T00:00:00.000Z',
      completed_at: '2026-01-01T00:00:02.000Z',
      total_leads: 2,
      processed: 2,
      created: 1,
      updated: 0,
      skipped: 0,
      failed: 1,
      errors: [{ batch_index: 1, email: 'x@lab.example', code: 'CONFLICT', message: 'linkedin_url …' }],
    };
    const get = await responders.answer(Queries.LeadsGetImport, (data) => {
      if (data.batch_id !== batchId) throw new NotFoundError('Import batch', data.batch_id);
      return view;
    });
    const ok = await gw.request(`/api/v1/leads/bulk/${batchId}`, { headers: { 'x-api-key': READER_KEY } });
    expect([ok.status, ok.body]).toEqual([200, view]);
    const unknown = await gw.request(`/api/v1/leads/bulk/${randomUUID()}`, { headers: tokens.bearer() });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const malformed = await gw.request('/api/v1/leads/bulk/nope', { headers: tokens.bearer() });
    expect(malformed.status).toBe(400);
    expect(get.calls).toHaveLength(2);
  });
});

describe('GET /api/v1/leads/export', () => {
  const lead = (id: string, fields: Record<string, unknown> = {}) => ({
    id,
    email: `${id}@lab.example`,
    first_name: 'Jane',
    total_score: 12,
    intent_summary: { research: 0, b2b: 5, co_creation: 0 },
    ...fields,
  });
  const chunks = [
    {
      data: [lead('a', { last_name: 'Doe, "JD"' }), lead('b', { job_title: '=cmd|calc' })],
      next_cursor: 'b',
    },
    { data: [lead('c', { phone: '+49 30 1234', organization_name: 'Line\nBreak GmbH' })], next_cursor: null },
  ];
  const exporter = () =>
    responders.answer(Queries.LeadsExportLeads, (data) => (data.cursor === 'b' ? chunks[1] : chunks[0]));

  it('streams every chunk as CSV: §5 header, RFC 4180 quoting, formulas defused', async () => {
    const rpc = await exporter();
    const response = await gw.request(
      '/api/v1/leads/export?format=csv&status=new&search=jane&page=3&limit=500',
      {
        headers: { 'x-api-key': READER_KEY },
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="leads.csv"');
    const lines = response.text.split('\r\n');
    expect(lines[0]).toBe(LEAD_EXPORT_COLUMNS.join(','));
    expect(response.text).toContain('"Doe, ""JD"""');
    expect(response.text).toContain("'=cmd|calc");
    expect(response.text).toContain("'+49 30 1234");
    expect(response.text).toContain('"Line\nBreak GmbH"');
    expect(response.text.endsWith('\r\n')).toBe(true);
    // header + 3 rows (one holds a quoted line break) + the final empty string
    expect(response.text.match(/\r\n/g)).toHaveLength(4);
    expect(rpc.calls.map((c) => [c.status, c.search, c.cursor])).toEqual([
      ['new', 'jane', undefined],
      ['new', 'jane', 'b'],
    ]);
  });

  it('streams JSON {data:[…]} with every lead of every chunk', async () => {
    await exporter();
    const response = await gw.request('/api/v1/leads/export?format=json', { headers: tokens.bearer() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.body).toEqual({ data: [...chunks[0].data, ...chunks[1].data] });
  });

  it('refuses a bad format or filter (400) and a key without read (403)', async () => {
    const rpc = await exporter();
    const badFormat = await gw.request('/api/v1/leads/export?format=xlsx', { headers: tokens.bearer() });
    expect([badFormat.status, badFormat.body.error.details.validation_errors[0].path]).toEqual([
      400,
      'format',
    ]);
    const badFilter = await gw.request('/api/v1/leads/export?min_intent_confidence=400', {
      headers: tokens.bearer(),
    });
    expect(badFilter.status).toBe(400);
    const writer = await gw.request('/api/v1/leads/export', { headers: { 'x-api-key': CSV_KEY } });
    expect(writer.body.error.code).toBe('INSUFFICIENT_SCOPE');
    expect(rpc.calls).toEqual([]);
  });
});
