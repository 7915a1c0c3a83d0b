import { randomUUID } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  HealthQueries,
  NotFoundError,
  Queries,
  encodeCursor,
  toCursorPage,
  toPage,
} from '@crm/contracts';
import { JwtService } from '@nestjs/jwt';
import { GatewayHarness, sha256Hex, UUID } from './support/gateway-harness';

const KEY = 'proxy-key-all-scopes';
const JWT_SECRET = 'rpc-proxy-test-secret-0123456789abcdef';
const adminToken = () =>
  new JwtService({ secret: JWT_SECRET }).sign(
    { sub: randomUUID(), email: 'ada@dna-me.example', role: 'admin', typ: 'access', jti: randomUUID() },
    { expiresIn: 3600 },
  );

let gw: GatewayHarness;
let keyId: string;

type Handler = (data: any, headers: { correlationId?: string }) => unknown;

interface Responder {
  calls: { data: any; correlationId?: string }[];
  stop(): void;
}

/** A stand-in for the owning service: answers `subject` in the messaging reply format ({ok,data}|{ok,error}). */
async function respond(subject: string, handler: Handler): Promise<Responder> {
  const calls: Responder['calls'] = [];
  const subscription = gw.nc.subscribe(gw.subject(subject), {
    callback: (_error, message) => {
      const data = message.json<any>();
      const correlationId = message.headers?.get('x-correlation-id') || undefined;
      calls.push({ data, correlationId });
      let reply: unknown;
      try {
        reply = { ok: true, data: handler(data, { correlationId }) ?? null };
      } catch (error) {
        reply = { ok: false, error: (error as DomainError).toBody() };
      }
      message.respond(JSON.stringify(reply));
    },
  });
  await gw.nc.flush();
  return { calls, stop: () => subscription.unsubscribe() };
}

function api(
  path: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  return gw.request(path, { ...options, headers: { 'x-api-key': KEY, ...options.headers } });
}

const lead = (id: string) => ({ id, email: 'jane@example.com', first_name: 'Jane', total_score: 42 });
const actor = () => ({ type: 'api_key', id: keyId, name: expect.stringContaining('API_KEYS api') });
const memberActor = () => expect.objectContaining({ type: 'user', id: expect.stringMatching(UUID) });
const asAdmin = () => ({ authorization: `Bearer ${adminToken()}` });

let responders: Responder[] = [];
async function responder(subject: string, handler: Handler): Promise<Responder> {
  const r = await respond(subject, handler);
  responders.push(r);
  return r;
}

beforeAll(async () => {
  gw = await GatewayHarness.start({
    API_KEYS: `${KEY}:api:events:write+read+write`,
    RPC_TIMEOUT_MS: '1000',
    HEALTH_EXPECTED_SERVICES: 'leads',
    GDPR_ERASE_WAIT_MS: '300',
    JWT_SECRET,
  });
  [{ id: keyId }] = await gw.sql<{ id: string }>('SELECT id FROM gateway.api_keys WHERE key_hash = $1', [
    sha256Hex(KEY),
  ]);
});

afterEach(() => {
  for (const r of responders) r.stop();
  responders = [];
});

afterAll(async () => {
  await gw?.close();
});

describe('when the owning service does not answer', () => {
  it('answers 503 SERVICE_UNAVAILABLE with Retry-After if nobody listens', async () => {
    const response = await api('/api/v1/leads');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.body.error).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      details: { service: 'leads' },
      request_id: response.headers.get('x-request-id'),
    });
  });

  it('answers 504 UPSTREAM_TIMEOUT if it listens but stays silent past RPC_TIMEOUT_MS', async () => {
    const subscription = gw.nc.subscribe(gw.subject(Queries.LeadsGetDeal), { callback: () => undefined });
    await gw.nc.flush();
    try {
      const response = await api(`/api/v1/deals/${randomUUID()}`);
      expect(response.status).toBe(504);
      expect(response.body.error.code).toBe('UPSTREAM_TIMEOUT');
    } finally {
      subscription.unsubscribe();
    }
  });
});

describe('leads', () => {
  it('GET /leads/:id returns what the service answers, and carries the correlation id', async () => {
    const id = randomUUID();
    const leads = await responder(Queries.LeadsGetLead, (data) => lead(data.id));
    const response = await api(`/api/v1/leads/${id.toUpperCase()}`, {
      headers: { 'x-correlation-id': 'corr-lead-1' },
    });

    expect(response.status).toBe(200);
    expect(response.body).toEqual(lead(id));
    expect(leads.calls).toEqual([{ data: { id }, correlationId: 'corr-lead-1' }]);
  });

  it('GET /leads/:id renders the service NotFound as the 404 envelope', async () => {
    const id = randomUUID();
    await responder(Queries.LeadsGetLead, (data) => {
      throw new NotFoundError('Lead', data.id);
    });
    const response = await api(`/api/v1/leads/${id}`, { headers: { 'x-request-id': 'req-404' } });

    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      error: {
        code: 'NOT_FOUND',
        message: `Lead with identifier '${id}' not found`,
        details: { resource: 'Lead', identifier: id },
        request_id: 'req-404',
      },
    });
  });

  it('rejects a malformed id with 400 before asking the service', async () => {
    const leads = await responder(Queries.LeadsGetLead, () => lead(randomUUID()));
    const response = await api('/api/v1/leads/not-a-uuid');
    expect(response.status).toBe(400);
    expect(response.body.error.details.validation_errors).toEqual([
      { path: 'id', message: 'id must be a UUID', code: 'isUuid' },
    ]);
    expect(leads.calls).toHaveLength(0);
  });

  it('GET /leads validates and converts the query, and repeats the total in X-Total-Count', async () => {
    const leads = await responder(Queries.LeadsListLeads, (query) =>
      toPage([lead(randomUUID())], 41, query.page, query.limit, 'next-page-cursor'),
    );
    const response = await api('/api/v1/leads?search=jane&page=2&limit=5&sort_by=total_score&_sort=ignored');

    expect(response.status).toBe(200);
    expect(response.headers.get('x-total-count')).toBe('41');
    expect(response.body.pagination).toEqual({
      page: 2,
      limit: 5,
      total: 41,
      total_pages: 9,
      has_next: true,
      has_prev: true,
      next_cursor: 'next-page-cursor',
    });
    expect(leads.calls[0].data).toMatchObject({ search: 'jane', page: 2, limit: 5, sort_by: 'total_score' });

    const bad = await api('/api/v1/leads?limit=500&sort_by=password');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.validation_errors.map((i: { path: string }) => i.path).sort()).toEqual([
      'limit',
      'sort_by',
    ]);
    expect(leads.calls).toHaveLength(1);
  });

  it('GET /leads?cursor (api.md §1.4): the cursor reaches leads, next_cursor comes back, and without a total there is no X-Total-Count; a malformed cursor is 400 before leads', async () => {
    const cursor = encodeCursor({
      list: 'leads',
      sort: 'created_at:desc',
      keys: ['2026-01-01T00:00:00+00:00'],
      id: randomUUID(),
    });
    const next = encodeCursor({
      list: 'leads',
      sort: 'created_at:desc',
      keys: ['2025-12-31T00:00:00+00:00'],
      id: randomUUID(),
    });
    const leads = await responder(Queries.LeadsListLeads, (query) =>
      toCursorPage([lead(randomUUID())], query.limit, next),
    );
    const response = await api(`/api/v1/leads?limit=7&cursor=${cursor}`);
    expect(response.status).toBe(200);
    expect(response.body.pagination).toEqual({ limit: 7, has_next: true, next_cursor: next });
    expect(response.headers.get('x-total-count')).toBeNull();
    expect(leads.calls[0].data).toMatchObject({ limit: 7, cursor });

    const bad = await api('/api/v1/leads?cursor=not-a-cursor%21');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    expect(bad.body.error.details.validation_errors).toEqual([
      expect.objectContaining({ path: 'cursor', code: 'isPageCursor' }),
    ]);
    expect(leads.calls).toHaveLength(1);
  });

  it('a 400 on the cursor from the owning service (another list, edited keys) passes through', async () => {
    const runs = await responder(Queries.AutomationListRuns, () => {
      throw new DomainError(ErrorCode.ValidationError, 'Request validation failed', 400, {
        validation_errors: [
          { path: 'cursor', message: 'cursor must be a next_cursor of this list', code: 'isPageCursor' },
        ],
      });
    });
    const foreign = encodeCursor({
      list: 'leads',
      sort: 'created_at:desc',
      keys: ['2026-01-01T00:00:00+00:00'],
      id: randomUUID(),
    });
    const response = await api(`/api/v1/triggers/runs?cursor=${foreign}`);
    expect(response.status).toBe(400);
    expect(response.body.error.details.validation_errors).toEqual([
      expect.objectContaining({ path: 'cursor' }),
    ]);
    expect(runs.calls[0].data).toMatchObject({ cursor: foreign });
  });

  it('POST /leads validates the body before asking (400 with paths), names the actor and answers 201; PATCH answers 200 and passes 409 through', async () => {
    const created = lead(randomUUID());
    const creates = await responder(Queries.LeadsCreateLead, () => created);
    const invalid = await api('/api/v1/leads', {
      method: 'POST',
      body: { email: 'nope', status: 'won', linkedin_url: 'x' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.validation_errors.map((i: { path: string }) => i.path).sort()).toEqual([
      'email',
      'linkedin_url',
      'status',
    ]);
    expect(creates.calls).toHaveLength(0);
    const response = await api('/api/v1/leads', { method: 'POST', body: { email: 'Jane@Example.com' } });
    expect(response.status).toBe(201);
    expect(response.body).toEqual(created);
    expect(creates.calls[0].data).toEqual({ actor: actor(), body: { email: 'Jane@Example.com' } });

    const existing = randomUUID();
    const updates = await responder(Queries.LeadsUpdateLead, (data) => {
      if (data.body.email) {
        throw new DomainError(ErrorCode.Conflict, 'Another lead has this email', 409, {
          email: data.body.email,
          existing_lead_id: existing,
        });
      }
      return { ...created, first_name: data.body.first_name };
    });
    const patched = await api(`/api/v1/leads/${created.id}`, {
      method: 'PATCH',
      body: { first_name: 'Janet' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.first_name).toBe('Janet');
    expect(updates.calls[0].data).toEqual({ actor: actor(), id: created.id, body: { first_name: 'Janet' } });
    const conflict = await api(`/api/v1/leads/${created.id}`, {
      method: 'PATCH',
      body: { email: 'x@y.example' },
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatchObject({ code: 'CONFLICT', details: { existing_lead_id: existing } });
    expect(
      (await api(`/api/v1/leads/${created.id}`, { method: 'PATCH', body: { email: null } })).status,
    ).toBe(400);
  });

  it('DELETE /leads/:id erases the lead (config label): 200 once every service confirmed, 202 with the erasure while one has not', async () => {
    const leadId = randomUUID();
    const erasure = (status: string) => ({
      erasure_id: randomUUID(),
      lead_id: leadId,
      status,
      services: {},
      anonymized_email: 'deleted_x@anonymized.local',
      requested_at: new Date().toISOString(),
      completed_at: status === 'completed' ? new Date().toISOString() : null,
    });
    let next = 'completed';
    const erase = await responder(Queries.LeadsEraseLead, () => erasure(next));
    await responder(Queries.LeadsGetErasure, () => erasure('in_progress'));
    const done = await api(`/api/v1/leads/${leadId}`, { method: 'DELETE' });
    // An API key has no member role: the config label refuses it before leads is asked.
    expect(done.status).toBe(403);
    expect(erase.calls).toHaveLength(0);

    const admin = asAdmin();
    const deleted = await gw.request(`/api/v1/leads/${leadId}`, { method: 'DELETE', headers: admin });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ success: true, message: 'Lead deleted successfully' });
    expect(erase.calls[0].data).toMatchObject({ lead_id: leadId, actor: { type: 'user' } });
    next = 'in_progress';
    const pending = await gw.request(`/api/v1/leads/${leadId}`, { method: 'DELETE', headers: admin });
    expect(pending.status).toBe(202);
    expect(pending.body).toEqual({
      success: true,
      status: 'in_progress',
      erasure_id: expect.any(String),
      lead_id: leadId,
    });
  });

  it('hides the text of an unexpected failure inside the service', async () => {
    await responder(Queries.LeadsGetLead, () => {
      throw new DomainError(ErrorCode.InternalError, 'connection to "leads" schema refused', 500);
    });
    const response = await api(`/api/v1/leads/${randomUUID()}`);
    expect(response.status).toBe(500);
    expect(response.body.error).toMatchObject({ code: 'INTERNAL_ERROR', message: 'Internal server error' });
  });
});

describe('pipelines and deals', () => {
  it('GET /pipelines and /pipelines/:id/stages wrap lists as {data}', async () => {
    const pipelineId = randomUUID();
    const pipelines = await responder(Queries.LeadsListPipelines, () => [
      { id: pipelineId, slug: 'b2b-lab-enablement' },
    ]);
    const stages = await responder(Queries.LeadsListStages, (data) => [
      { id: randomUUID(), pipeline_id: data.id, position: 1 },
    ]);

    const list = await api('/api/v1/pipelines?include_inactive=true');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ data: [{ id: pipelineId, slug: 'b2b-lab-enablement' }] });
    expect(pipelines.calls[0].data).toEqual({ include_inactive: true });

    const stageList = await api(`/api/v1/pipelines/${pipelineId}/stages`);
    expect(stageList.status).toBe(200);
    expect(stageList.body.data).toEqual([expect.objectContaining({ pipeline_id: pipelineId, position: 1 })]);
    expect(stages.calls[0].data).toEqual({ id: pipelineId });
  });

  it('POST /deals validates the body, names the api key as actor and answers 201', async () => {
    const created = { id: randomUUID(), name: 'Jane - B2B' };
    const deals = await responder(Queries.LeadsCreateDeal, () => created);
    const body = {
      lead_id: randomUUID(),
      pipeline_id: randomUUID(),
      value: 1500,
      read_only_field: 'ignored',
    };

    const invalid = await api('/api/v1/deals', { method: 'POST', body: { pipeline_id: 'x', value: -1 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.validation_errors.map((i: { path: string }) => i.path).sort()).toEqual([
      'lead_id',
      'pipeline_id',
      'value',
    ]);
    expect(deals.calls).toHaveLength(0);

    const response = await api('/api/v1/deals', { method: 'POST', body });
    expect(response.status).toBe(201);
    expect(response.body).toEqual(created);
    expect(deals.calls[0].data).toEqual({ actor: actor(), body });
  });

  it('POST /deals/:id/move answers 200 and passes the deal id; remote 4xx pass through', async () => {
    const dealId = randomUUID();
    const stageId = randomUUID();
    const moves = await responder(Queries.LeadsMoveDeal, (data) => {
      if (data.body.stage_id !== stageId)
        throw new DomainError(ErrorCode.BusinessLogicError, 'Deal is closed', 422);
      return { id: data.deal_id, stage_id: data.body.stage_id };
    });

    const moved = await api(`/api/v1/deals/${dealId}/move`, { method: 'POST', body: { stage_id: stageId } });
    expect(moved.status).toBe(200);
    expect(moved.body).toEqual({ id: dealId, stage_id: stageId });
    expect(moves.calls[0].data).toEqual({ actor: actor(), deal_id: dealId, body: { stage_id: stageId } });

    const refused = await api(`/api/v1/deals/${dealId}/move`, {
      method: 'POST',
      body: { stage_id: randomUUID() },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'BUSINESS_LOGIC_ERROR', message: 'Deal is closed' });
  });

  it('GET /deals/:id/history answers {data}', async () => {
    const dealId = randomUUID();
    await responder(Queries.LeadsDealHistory, (data) => [{ deal_id: data.id, reason: 'created' }]);
    const response = await api(`/api/v1/deals/${dealId}/history`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: [{ deal_id: dealId, reason: 'created' }] });
  });
});

describe('stage triggers and runs', () => {
  const stage = {
    id: randomUUID(),
    name: 'Demo scheduled',
    pipeline_id: randomUUID(),
    slug: 'demo',
    position: 2,
  };
  const trigger = {
    action: 'send_slack_message',
    config: { channel: '#sales', message: 'Deal {deal.name} moved' },
  };

  it('GET /stages/:id/triggers resolves the stage in leads, then asks automation with it', async () => {
    await responder(Queries.LeadsGetStage, () => stage);
    const automation = await responder(Queries.AutomationGetStageTriggers, (data) => ({
      stage_id: data.stage.id,
      stage_name: data.stage.name,
      available_actions: [],
      configured_triggers: [],
    }));

    const response = await api(`/api/v1/stages/${stage.id}/triggers`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      stage_id: stage.id,
      stage_name: 'Demo scheduled',
      available_actions: [],
      configured_triggers: [],
    });
    expect(automation.calls[0].data).toEqual({
      stage: { id: stage.id, name: stage.name, pipeline_id: stage.pipeline_id },
    });
  });

  it('POST /stages/:id/triggers replaces the list (200), 404s an unknown stage and 400s a bad body without asking', async () => {
    const known = await responder(Queries.LeadsGetStage, (data) => {
      if (data.id !== stage.id) throw new NotFoundError('Stage', data.id);
      return stage;
    });
    const automation = await responder(Queries.AutomationReplaceStageTriggers, (data) => ({
      configured_triggers: data.body.triggers.map((t: object) => ({
        id: randomUUID(),
        on: 'enter',
        enabled: true,
        ...t,
      })),
    }));

    const saved = await api(`/api/v1/stages/${stage.id}/triggers`, {
      method: 'POST',
      body: { triggers: [trigger] },
      headers: asAdmin(),
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({
      success: true,
      stage_id: stage.id,
      triggers_count: 1,
      configured_triggers: [expect.objectContaining({ id: expect.stringMatching(UUID), ...trigger })],
    });
    expect(automation.calls[0].data).toEqual({
      actor: memberActor(),
      stage: { id: stage.id, name: stage.name, pipeline_id: stage.pipeline_id },
      body: { triggers: [trigger] },
    });

    const unknownStage = await api(`/api/v1/stages/${randomUUID()}/triggers`, {
      method: 'POST',
      body: { triggers: [trigger] },
      headers: asAdmin(),
    });
    expect(unknownStage.status).toBe(404);

    const legacy = await api(`/api/v1/stages/${stage.id}/triggers`, {
      method: 'POST',
      body: { triggers: [{ trigger: { type: 'enter' }, action: { type: 'send_email' } }] },
      headers: asAdmin(),
    });
    expect(legacy.status).toBe(400);
    expect(legacy.body.error.details.validation_errors).toContainEqual(
      expect.objectContaining({ path: 'triggers.0.action' }),
    );
    expect(known.calls).toHaveLength(2);
    expect(automation.calls).toHaveLength(1);
  });

  it('lists and reads runs, and retries one with 202 {data: run}', async () => {
    const runId = randomUUID();
    const run = { id: runId, status: 'pending', source: 'retry' };
    const lists = await responder(Queries.AutomationListRuns, (query) =>
      toPage([run], 1, query.page, query.limit),
    );
    await responder(Queries.AutomationGetRun, (data) => ({ ...run, id: data.id }));
    const retries = await responder(Queries.AutomationRetryRun, (data) => {
      if (data.run_id !== runId)
        throw new DomainError(ErrorCode.RunNotRetryable, 'Only failed runs can be retried', 409);
      return run;
    });

    const list = await api('/api/v1/triggers/runs?status=failed&dry_run=false');
    expect(list.status).toBe(200);
    expect(list.headers.get('x-total-count')).toBe('1');
    expect(lists.calls[0].data).toMatchObject({ status: 'failed', dry_run: false, page: 1, limit: 20 });

    expect((await api(`/api/v1/triggers/runs/${runId}`)).body).toEqual(run);

    // Retrying is a config action (api.md §9): an API key may not, a config member may.
    const byKey = await api(`/api/v1/triggers/runs/${runId}/retry`, { method: 'POST' });
    expect(byKey.status).toBe(403);
    const retried = await api(`/api/v1/triggers/runs/${runId}/retry`, { method: 'POST', headers: asAdmin() });
    expect(retried.status).toBe(202);
    expect(retried.body).toEqual({ data: run });
    expect(retries.calls[0].data).toEqual({ actor: memberActor(), run_id: runId, body: {} });

    const refused = await api(`/api/v1/triggers/runs/${randomUUID()}/retry`, {
      method: 'POST',
      body: { dry_run: true },
      headers: asAdmin(),
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('RUN_NOT_RETRYABLE');
  });
});

describe('/health', () => {
  it('reports each service by whether it answers ready over NATS; an expected one missing makes it degraded', async () => {
    const degraded = await gw.request('/health');
    expect(degraded.status).toBe(200);
    expect(degraded.body).toEqual({
      status: 'degraded',
      timestamp: expect.any(String),
      version: '0.1.0',
      services: {
        database: true,
        nats: true,
        redis: true,
        leads: false,
        scoring: false,
        automation: false,
        cituro: false,
        moco: false,
        slack: false,
        mailer: false,
        webhooks: false,
      },
    });

    await responder(HealthQueries.ready('leads'), () => ({
      ready: true,
      checks: { database: true, nats: true },
    }));
    const ok = await gw.request('/health');
    expect(ok.body.status).toBe('ok');
    expect(ok.body.services).toMatchObject({ leads: true, scoring: false });

    // Answering is not enough: a service whose own database check fails is reported down.
    await responder(HealthQueries.ready('scoring'), () => ({
      ready: false,
      checks: { database: false, nats: true },
    }));
    const scoringDown = await gw.request('/health');
    expect(scoringDown.body.services).toMatchObject({ leads: true, scoring: false });
  });
});

describe('outbound webhooks (api.md §16, admin)', () => {
  const subscription = (id: string) => ({
    id,
    url: 'https://hooks.example.com/x',
    event_types: ['deal.won'],
  });

  it('forwards a valid create to the webhooks service and answers 201 with what it returned', async () => {
    const id = randomUUID();
    const create = await responder(Queries.WebhooksCreateSubscription, () => ({
      ...subscription(id),
      secret: 'whsec_x',
    }));
    const body = {
      url: 'https://hooks.example.com/x',
      event_types: ['deal.won'],
      headers: { 'X-Tenant': 'a' },
    };
    const response = await gw.request('/api/v1/webhooks', { method: 'POST', body, headers: asAdmin() });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ id, secret: 'whsec_x' });
    expect(create.calls[0].data).toEqual({ body });
  });

  it('refuses a malformed body with 400 before asking the service, and non-admins with 403', async () => {
    const create = await responder(Queries.WebhooksCreateSubscription, () => subscription(randomUUID()));
    const bad = await gw.request('/api/v1/webhooks', {
      method: 'POST',
      body: { url: 'https://hooks.example.com/x', event_types: ['deal.exploded'] },
      headers: asAdmin(),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    expect(bad.body.error.details.validation_errors).toEqual([
      expect.objectContaining({ path: 'event_types', code: 'isIn' }),
    ]);
    const asKey = await api('/api/v1/webhooks', { method: 'POST', body: subscription(randomUUID()) });
    expect(asKey.status).toBe(403);
    expect(create.calls).toHaveLength(0);
  });

  it('routes the subscription and delivery endpoints with their status codes', async () => {
    const id = randomUUID();
    const deliveryId = randomUUID();
    await responder(Queries.WebhooksDeleteSubscription, () => ({ deleted: true }));
    await responder(Queries.WebhooksRotateSecret, () => ({
      secret: 'whsec_y',
      previous_secret_expires_at: 'x',
    }));
    await responder(Queries.WebhooksSendTest, () => ({ delivery_id: deliveryId }));
    const list = await responder(Queries.WebhooksListDeliveries, () => toPage([], 0, 1, 20));
    const bulk = await responder(Queries.WebhooksRedeliverMany, () => ({ queued: 2 }));
    const one = await responder(Queries.WebhooksRedeliver, () => ({ id: randomUUID() }));
    const admin = asAdmin();

    expect((await gw.request(`/api/v1/webhooks/${id}`, { method: 'DELETE', headers: admin })).status).toBe(
      204,
    );
    const rotated = await gw.request(`/api/v1/webhooks/${id}/rotate-secret`, {
      method: 'POST',
      headers: admin,
    });
    expect(rotated.status).toBe(200);
    const test = await gw.request(`/api/v1/webhooks/${id}/test`, { method: 'POST', headers: admin });
    expect([test.status, test.body]).toEqual([202, { delivery_id: deliveryId }]);
    const listed = await gw.request(`/api/v1/webhooks/${id}/deliveries?status=failed&limit=5`, {
      headers: admin,
    });
    expect(listed.status).toBe(200);
    expect(list.calls[0].data).toMatchObject({ subscription_id: id, query: { status: 'failed', limit: 5 } });
    const queued = await gw.request(`/api/v1/webhooks/${id}/redeliver`, {
      method: 'POST',
      body: { status: 'exhausted' },
      headers: admin,
    });
    expect([queued.status, queued.body]).toEqual([202, { queued: 2 }]);
    expect(bulk.calls[0].data).toEqual({ subscription_id: id, body: { status: 'exhausted' } });
    const again = await gw.request(`/api/v1/webhook-deliveries/${deliveryId}/redeliver`, {
      method: 'POST',
      headers: admin,
    });
    expect(again.status).toBe(202);
    expect(one.calls[0].data).toEqual({ id: deliveryId });
  });
});
