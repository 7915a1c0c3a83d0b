import { randomUUID } from 'node:crypto';
import { waitFor } from '@crm/testing';
import { ApiClient, RunningSystem, SYSTEM_API_KEY } from '../src';

/*
 * The HTTP contract as the team's frontend uses it (docs/api.md), walked endpoint by endpoint over real HTTP
 * against the whole system: sign in, list, filter, create, edit, move on the Kanban, complete a task, open reports,
 * erase. Each response is checked against the documented shape (field names, types, pagination, error envelope),
 * not only its status.
 */

const LEAD_FIELDS = [
  'id', 'email', 'first_name', 'last_name', 'phone', 'job_title', 'organization_id', 'organization_name',
  'status', 'lifecycle_stage', 'demographic_score', 'engagement_score', 'behavior_score', 'total_score',
  'score_tier', 'pipeline_id', 'routing_status', 'routed_at', 'primary_intent', 'intent_confidence',
  'intent_summary', 'first_touch_source', 'first_touch_campaign', 'first_touch_date', 'last_touch_source',
  'last_touch_campaign', 'last_touch_date', 'portal_id', 'waalaxy_id', 'linkedin_url', 'lemlist_id',
  'consent_date', 'consent_source', 'gdpr_delete_requested', 'created_at', 'updated_at', 'last_activity',
]; // prettier-ignore
const DEAL_FIELDS = [
  'id', 'lead_id', 'pipeline_id', 'stage_id', 'position', 'name', 'title', 'value', 'currency',
  'expected_close_date', 'expected_close', 'stage_entered_at', 'assigned_to', 'assigned_to_name',
  'assigned_to_email', 'assigned_to_avatar', 'assigned_region', 'assigned_at', 'status', 'close_reason',
  'closed_at', 'moco_offer_id', 'metadata', 'created_at', 'updated_at', 'pipeline_name', 'stage_name',
  'stage_type', 'lead_name', 'lead_email', 'lead_company', 'contact_name', 'contact_email', 'company_name',
  'email_sequence',
]; // prettier-ignore
const TASK_FIELDS = [
  'id', 'lead_id', 'deal_id', 'title', 'description', 'task_type', 'assigned_to', 'assigned_to_id', 'due_date',
  'completed_at', 'status', 'priority', 'created_by', 'automation_rule_id', 'trigger_run_id', 'created_at',
  'updated_at',
]; // prettier-ignore
const MEMBER_FIELDS = [
  'id', 'email', 'name', 'role', 'region', 'is_active', 'max_leads', 'current_leads', 'avatar', 'created_at',
]; // prettier-ignore
const PIPELINE_FIELDS = [
  'id', 'slug', 'name', 'description', 'is_active', 'is_default', 'sales_cycle_days', 'target_persona', 'config',
  'created_at', 'updated_at',
]; // prettier-ignore
// `automation_config` is not in stage lists yet (api.md §7 implementation status).
const STAGE_FIELDS = ['id', 'pipeline_id', 'slug', 'name', 'position', 'color', 'stage_type', 'created_at'];
const ORGANIZATION_FIELDS = [
  'id', 'name', 'domain', 'industry', 'company_size', 'country', 'portal_id', 'moco_id', 'metadata', 'created_at',
  'updated_at',
]; // prettier-ignore
const EVENT_FIELDS = [
  'id', 'lead_id', 'event_type', 'event_category', 'source', 'occurred_at', 'received_at', 'metadata',
  'correlation_id', 'campaign_id', 'utm_source', 'utm_medium', 'utm_campaign', 'score_points', 'score_category',
  'processed_at', 'created_at', 'lead',
]; // prettier-ignore
const PAGINATION_FIELDS = ['page', 'limit', 'total', 'total_pages', 'has_next', 'has_prev'];

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function expectShape(value: Record<string, unknown>, fields: string[]): void {
  expect(Object.keys(value).sort()).toEqual(expect.arrayContaining([...fields].sort()));
  for (const field of fields.filter((f) => f.endsWith('_at') || f.endsWith('_date'))) {
    if (value[field] !== null) expect(String(value[field])).toMatch(/^\d{4}-\d{2}-\d{2}/);
  }
}

function expectPage(body: { data: unknown[]; pagination: Record<string, unknown> }, headers: Headers): void {
  expect(Array.isArray(body.data)).toBe(true);
  expect(Object.keys(body.pagination).sort()).toEqual(expect.arrayContaining(PAGINATION_FIELDS.sort()));
  expect(headers.get('x-total-count')).toBe(String(body.pagination.total));
}

function expectError(body: any, status: number, code: string): void {
  expect(body).toEqual({
    error: expect.objectContaining({ code, message: expect.any(String), request_id: expect.any(String) }),
  });
  expect(status).toBeGreaterThanOrEqual(400);
}

describe('HTTP contract (api.md), walked as the frontend does', () => {
  let system: RunningSystem;
  let api: ApiClient;
  let browser: ApiClient;
  let token: string;
  /** As the signed-in admin, the way the SPA calls (no API key). */
  const as = (method: string, path: string, body?: unknown) =>
    browser.request(method, `/api/v1${path}`, body, { authorization: `Bearer ${token}` });
  const tag = randomUUID().slice(0, 8);

  beforeAll(async () => {
    system = await RunningSystem.start({ env: { GDPR_ERASE_WAIT_MS: '5000' } });
    api = new ApiClient(system.gatewayUrl, SYSTEM_API_KEY);
    browser = new ApiClient(system.gatewayUrl, '');
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('signs in: register the first admin, log in, read /auth/me; bad credentials get the error envelope', async () => {
    const password = 'correct horse battery staple';
    const registered = await browser.request('POST', '/api/v1/auth/register', {
      email: `Admin.${tag}@DNA-ME.test`,
      password,
      name: 'Ada Admin',
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toEqual({
      user: {
        id: expect.any(String),
        email: `admin.${tag}@dna-me.test`,
        name: 'Ada Admin',
        role: 'admin',
        avatar: null,
      },
      token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: expect.any(Number),
      token_type: 'Bearer',
    });
    const login = await browser.request('POST', '/api/v1/auth/login', {
      email: `admin.${tag}@dna-me.test`,
      password,
    });
    expect(login.status).toBe(200);
    expect(Object.keys(login.body).sort()).toEqual([
      'expires_in',
      'refresh_token',
      'token',
      'token_type',
      'user',
    ]);
    token = login.body.token;
    const me = await as('GET', '/auth/me');
    expect(me.status).toBe(200);
    expect(Object.keys(me.body).sort()).toEqual(
      [
        'id', 'email', 'name', 'role', 'region', 'avatar', 'is_active', 'is_two_factor_enabled', 'max_leads',
        'created_at',
      ].sort(), // prettier-ignore
    );
    const wrong = await browser.request('POST', '/api/v1/auth/login', {
      email: `admin.${tag}@dna-me.test`,
      password: 'nope-nope',
    });
    expect(wrong.status).toBe(401);
    expectError(wrong.body, wrong.status, 'AUTHENTICATION_ERROR');
  });

  it('team, leads, organizations: create, list with filters and paging, edit; 400, 404 and 409 in the envelope', async () => {
    const member = await as('POST', '/team', {
      email: `ae.${tag}@dna-me.test`,
      name: 'Alex AE',
      role: 'ae',
      region: 'DACH',
      max_leads: 20,
    });
    expect(member.status).toBe(201);
    expectShape(member.body, MEMBER_FIELDS);
    const team = await as('GET', '/team?role=ae&sort_by=name&sort_order=asc');
    expectPage(team.body, team.headers);
    expect(team.body.data.map((m: { email: string }) => m.email)).toContain(`ae.${tag}@dna-me.test`);

    const created = await as('POST', '/leads', {
      email: `Jana.Berg.${tag}@biolab-${tag}.de`,
      first_name: 'Jana',
      last_name: 'Berg',
      job_title: 'Lab Manager',
    });
    expect(created.status).toBe(201);
    expectShape(created.body, LEAD_FIELDS);
    expect(created.body).toMatchObject({
      email: `jana.berg.${tag}@biolab-${tag}.de`,
      status: 'new',
      lifecycle_stage: 'lead',
      organization_name: `biolab-${tag}.de`,
      intent_summary: { research: 0, b2b: 0, co_creation: 0 },
    });
    const lead = created.body;
    const other = (await as('POST', '/leads', { email: `other.${tag}@biolab-${tag}.de` })).body;

    const list = await as('GET', `/leads?search=${tag}&sort_by=email&sort_order=asc&limit=1&page=1`);
    expect(list.status).toBe(200);
    expectPage(list.body, list.headers);
    expect(list.body.pagination).toMatchObject({
      page: 1,
      limit: 1,
      total: 2,
      total_pages: 2,
      has_next: true,
    });
    expectShape(list.body.data[0], LEAD_FIELDS);
    const many = await as('GET', `/leads?id=${lead.id},${other.id}`);
    expect(many.body.data.map((l: { id: string }) => l.id).sort()).toEqual([lead.id, other.id].sort());
    expect((await as('GET', '/leads?sort_by=nonsense')).status).toBe(400);

    const patched = await as('PATCH', `/leads/${lead.id}`, { phone: '+49 30 555', status: 'contacted' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ phone: '+49 30 555', status: 'contacted' });

    const duplicate = await as('POST', '/leads', { email: lead.email.toUpperCase() });
    expect(duplicate.status).toBe(409);
    expectError(duplicate.body, 409, 'CONFLICT');
    expect(duplicate.body.error.details).toEqual({ email: lead.email, existing_lead_id: lead.id });
    const invalid = await as('POST', '/leads', { email: 'nope', status: 'won' });
    expect(invalid.status).toBe(400);
    expectError(invalid.body, 400, 'VALIDATION_ERROR');
    expect(invalid.body.error.details.validation_errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'email',
      'status',
    ]);
    const unknown = await as('GET', `/leads/${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expectError(unknown.body, 404, 'NOT_FOUND');
    expect(unknown.body.error.details).toEqual({ resource: 'Lead', identifier: expect.any(String) });

    const org = await as('GET', `/organizations/${lead.organization_id}`);
    expect(org.status).toBe(200);
    expectShape(org.body, ORGANIZATION_FIELDS);
    const orgs = await as('GET', `/organizations?search=biolab-${tag}`);
    expectPage(orgs.body, orgs.headers);
    expect(orgs.body.data).toHaveLength(1);
  });

  it('pipelines and the Kanban: a deal created, moved, reordered, edited and won; its lead becomes a customer', async () => {
    const pipelines = await as('GET', '/pipelines?with_summary=true');
    expect(pipelines.status).toBe(200);
    for (const p of pipelines.body.data) {
      expectShape(p, [...PIPELINE_FIELDS, 'deals_count', 'total_value', 'stages_count']);
    }
    const b2b = pipelines.body.data.find((p: { slug: string }) => p.slug === 'b2b-lab-enablement');
    const detail = await as('GET', `/pipelines/${b2b.id}`);
    expectShape(detail.body, PIPELINE_FIELDS);
    const stages = detail.body.stages;
    for (const stage of stages) expectShape(stage, STAGE_FIELDS);
    expect(stages.map((s: { position: number }) => s.position)).toEqual(
      stages.map((_: unknown, i: number) => i + 1),
    );

    const lead = (await as('POST', '/leads', { email: `kanban.${tag}@pharma-${tag}.com` })).body;
    const second = (await as('POST', '/leads', { email: `kanban2.${tag}@pharma-${tag}.com` })).body;
    const deal = await as('POST', '/deals', {
      lead_id: lead.id,
      pipeline_id: b2b.id,
      value: 24000,
      assigned_to: `ae.${tag}@dna-me.test`,
    });
    expect(deal.status).toBe(201);
    expectShape(deal.body, DEAL_FIELDS);
    expect(deal.body).toMatchObject({
      stage_id: stages[0].id,
      status: 'open',
      value: 24000,
      currency: 'EUR',
      assigned_to_email: `ae.${tag}@dna-me.test`,
      assigned_to_name: 'Alex AE',
      title: deal.body.name,
      email_sequence: null,
    });
    const otherDeal = (await as('POST', '/deals', { lead_id: second.id, pipeline_id: b2b.id })).body;
    const conflict = await as('POST', '/deals', { lead_id: lead.id, pipeline_id: b2b.id });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.details).toEqual({ existing_deal_id: deal.body.id });

    // The Kanban: drag into the next stage at the top, then reorder the column.
    const moved = await as('POST', `/deals/${deal.body.id}/move`, { stage_id: stages[1].id });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      stage_id: stages[1].id,
      stage_name: stages[1].name,
      position: expect.any(Number),
    });
    await as('POST', `/deals/${otherDeal.id}/move`, { stage_id: stages[1].id });
    const reordered = await as('POST', '/deals/reorder', {
      stage_id: stages[1].id,
      ordered_ids: [otherDeal.id, deal.body.id],
    });
    expect(reordered.status).toBe(200);
    const column = await as('GET', `/deals?stage_id=${stages[1].id}&sort_by=position&sort_order=asc`);
    expectPage(column.body, column.headers);
    expect(column.body.data.map((d: { id: string }) => d.id)).toEqual([otherDeal.id, deal.body.id]);
    const board = await as('GET', `/pipelines/${b2b.id}/deals?status=open`);
    expect(board.status).toBe(200);
    expect(board.body.data.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining([deal.body.id]));

    const edited = await as('PATCH', `/deals/${deal.body.id}`, {
      value: 30000,
      expected_close_date: '2027-03-31',
    });
    expect(edited.body).toMatchObject({
      value: 30000,
      expected_close_date: '2027-03-31',
      expected_close: '2027-03-31',
    });
    const history = await as('GET', `/deals/${deal.body.id}/history`);
    expect(history.body.data.map((h: { reason: string }) => h.reason)).toEqual(
      expect.arrayContaining(['created', 'move']),
    );

    const won = await as('POST', `/deals/${deal.body.id}/close`, { status: 'won', close_reason: 'signed' });
    expect(won.status).toBe(200);
    expect(won.body).toMatchObject({
      status: 'won',
      close_reason: 'signed',
      closed_at: expect.stringMatching(ISO),
    });
    expect((await as('GET', `/leads/${lead.id}`)).body).toMatchObject({
      status: 'customer',
      lifecycle_stage: 'customer',
    });
    const closedMove = await as('POST', `/deals/${deal.body.id}/move`, { stage_id: stages[0].id });
    expect(closedMove.status).toBe(422);
    expectError(closedMove.body, 422, 'BUSINESS_LOGIC_ERROR');

    const metrics = await as('GET', `/pipelines/${b2b.id}/metrics`);
    expect(metrics.body).toMatchObject({
      pipeline_id: b2b.id,
      won_deals: expect.any(Number),
      stages: expect.any(Array),
    });
    expect(metrics.body.won_deals).toBeGreaterThanOrEqual(1);
  });

  it('tasks: create for a lead, filter by owner and status, complete; the timeline and the event feed show the work', async () => {
    const lead = (await as('POST', '/leads', { email: `tasks.${tag}@cro-${tag}.com` })).body;
    const created = await as('POST', '/tasks', {
      lead_id: lead.id,
      title: 'Call about sequencing',
      assigned_to: `ae.${tag}@dna-me.test`,
      due_date: '2027-01-15T09:00:00Z',
      priority: 'high',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ data: expect.any(Object), message: expect.any(String) });
    expectShape(created.body.data, TASK_FIELDS);
    expect(created.body.data).toMatchObject({
      assigned_to: `ae.${tag}@dna-me.test`,
      status: 'open',
      priority: 'high',
    });
    const mine = await as('GET', `/tasks?assigned_to=ae.${tag}@dna-me.test&status=open`);
    expect(mine.status).toBe(200);
    expectPage(mine.body, mine.headers);
    expect(mine.body.data.map((t: { id: string }) => t.id)).toContain(created.body.data.id);
    const done = await as('POST', `/tasks/${created.body.data.id}/complete`);
    expect(done.body.data).toMatchObject({ status: 'completed', completed_at: expect.stringMatching(ISO) });
    const ofLead = await as('GET', `/leads/${lead.id}/tasks`);
    expect(ofLead.body.meta).toEqual({ lead_id: lead.id, count: 1 });

    await api.ingest({
      event_type: 'page_visited',
      source: 'website',
      occurred_at: new Date(Date.now() - 60_000).toISOString(),
      lead_identifier: { email: lead.email },
      metadata: { page_path: '/services/sequencing' },
    });
    // The producer's event and the CRM's own rows (§4.3), written from the domain events shortly after them: the
    // lead created, its task created and completed.
    const feed = await waitFor(
      async () => {
        const page = await as('GET', `/events?lead_id=${lead.id}&limit=10&offset=0`);
        return page.body.total === 4 ? page : undefined;
      },
      { message: 'the event and the CRM activity rows reached the feed' },
    );
    expect(feed.body).toEqual({ data: expect.any(Array), total: 4 });
    for (const event of feed.body.data) expectShape(event, EVENT_FIELDS);
    expect(
      feed.body.data.map((e: { source: string; event_type: string }) => `${e.source}:${e.event_type}`).sort(),
    ).toEqual(['crm:lead_created', 'crm:task_completed', 'crm:task_created', 'website:page_visited']);
    expect(feed.body.data[0].lead).toEqual({
      id: lead.id,
      email: lead.email,
      first_name: null,
      last_name: null,
    });
    const timeline = await as('GET', `/leads/${lead.id}/timeline`);
    expect(timeline.body.meta).toEqual({ lead_id: lead.id, count: timeline.body.data.length });
    expect(timeline.body.data.map((i: { timeline_type: string }) => i.timeline_type).sort()).toEqual([
      'activity',
      'activity',
      'activity',
      'activity',
      'task',
    ]);
  });

  it('reports and stats answer their documented shapes', async () => {
    const summary = await as('GET', '/reports/summary');
    expect(summary.status).toBe(200);
    expect(Object.keys(summary.body).sort()).toEqual(['campaigns', 'deals', 'leads']);
    expect(Object.keys(summary.body.leads).sort()).toEqual([
      'avg_score',
      'hot_leads',
      'new_in_period',
      'routing_rate',
      'total',
    ]);
    const funnel = await as('GET', '/reports/pipeline-funnel');
    expect(funnel.body.data[0]).toEqual(
      expect.objectContaining({
        pipeline_id: expect.any(String),
        stages: expect.any(Array),
        win_rate: expect.any(Number),
      }),
    );
    const byScore = await as('GET', '/reports/leads-by-score?start_date=2026-01-01&end_date=2030-12-31');
    expect(byScore.body.score_distribution.map((t: { tier: string }) => t.tier)).toEqual([
      'cold',
      'warm',
      'hot',
      'very_hot',
    ]);
    expect((await as('GET', '/reports/leads-by-score?start_date=2026-02-30')).status).toBe(400);
    const stats = await as('GET', '/leads/stats');
    expect(Object.keys(stats.body).sort()).toEqual([
      'by_lifecycle_stage',
      'by_routing_status',
      'by_status',
      'total',
    ]);
    const teamStats = await as('GET', '/team/stats');
    expect(teamStats.body).toEqual(
      expect.objectContaining({ total_members: expect.any(Number), by_role: expect.any(Object) }),
    );
  });

  it('imports leads in bulk (a background job with progress and row counts), then exports them as CSV and JSON', async () => {
    const rows = [
      {
        email: `import-a.${tag}@conference-${tag}.com`,
        first_name: 'Ida',
        company_name: 'Conf Bio',
        country: 'DE',
      },
      { email: `import-b.${tag}@conference-${tag}.com`, last_name: 'Brandt', message: 'Met at the booth' },
      { email: `jana.berg.${tag}@biolab-${tag}.de`, first_name: 'Ignored' }, // known: skipped
    ];
    const queued = await as('POST', '/leads/bulk', {
      source: 'csv_import',
      campaign_id: 'ashg-2026',
      leads: rows,
    });
    expect(queued.status).toBe(202);
    expect(queued.body).toEqual({
      success: true,
      message: '3 leads queued for import',
      batch_id: expect.any(String),
      total_leads: 3,
      queued_at: expect.stringMatching(ISO),
    });
    const job = await waitFor(
      async () => {
        const status = await as('GET', `/leads/bulk/${queued.body.batch_id}`);
        return status.body.status === 'completed' ? status.body : undefined;
      },
      { message: 'the import completed' },
    );
    expect(job).toMatchObject({
      batch_id: queued.body.batch_id,
      source: 'csv_import',
      total_leads: 3,
      processed: 3,
      created: 2,
      updated: 0,
      skipped: 1,
      failed: 0,
      errors: [],
      completed_at: expect.stringMatching(ISO),
    });
    const invalid = await as('POST', '/leads/bulk', {
      source: 'csv_import',
      leads: [rows[0], { email: 'nope' }],
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.validation_errors.map((e: { path: string }) => e.path)).toEqual([
      'leads.1.email',
    ]);

    const imported = (await as('GET', `/leads?search=import-b.${tag}`)).body.data[0];
    const timeline = await as('GET', `/leads/${imported.id}/timeline`);
    expect(
      timeline.body.data.find((i: { timeline_type: string }) => i.timeline_type === 'note'),
    ).toMatchObject({
      content: 'Met at the booth',
    });

    const csv = await as('GET', `/leads/export?format=csv&search=conference-${tag}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const [header, ...lines] = String(csv.body).trim().split(/\r?\n/);
    expect(header.split(',')).toEqual(expect.arrayContaining(['id', 'email', 'first_name', 'total_score']));
    expect(lines).toHaveLength(2);
    const json = await as('GET', `/leads/export?format=json&search=conference-${tag}`);
    expect(json.status).toBe(200);
    const exported = Array.isArray(json.body) ? json.body : json.body.data;
    expect(exported.map((l: { email: string }) => l.email).sort()).toEqual([rows[0].email, rows[1].email]);
  });

  it('erases a lead (DELETE /leads/:id): 200 once every service confirmed; the lead is anonymised', async () => {
    const lead = (await as('POST', '/leads', { email: `forget.${tag}@lab-${tag}.org`, first_name: 'Frida' }))
      .body;
    const erased = await as('DELETE', `/leads/${lead.id}`);
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({ success: true, message: 'Lead deleted successfully' });
    expect((await as('GET', `/leads/${lead.id}`)).body).toMatchObject({
      email: expect.stringMatching(/^deleted_[0-9a-f]{12}@anonymized\.local$/),
      first_name: '[GDPR_DELETED_FIRST_NAME]',
      status: 'churned',
    });
  });
});
