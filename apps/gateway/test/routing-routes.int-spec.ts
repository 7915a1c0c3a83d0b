import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { NotFoundError, Queries } from '@crm/contracts';
import { GatewayHarness } from './support/gateway-harness';
import { RpcResponders } from './support/rpc-responders';

const KEY = 'routing-routes-key-all-scopes';
const READ_KEY = 'routing-routes-key-read-only';
const JWT_SECRET = 'routing-routes-test-secret-0123456789abcdef';

let gw: GatewayHarness;
const jwt = new JwtService({ secret: JWT_SECRET });
const responders = new RpcResponders(() => gw);

const responder = (subject: string, handler: (data: any) => unknown) => responders.answer(subject, handler);

const memberId = randomUUID();
const as = (role: string) => ({
  authorization: `Bearer ${jwt.sign({ sub: memberId, email: 'rita@dna-me.example', role, typ: 'access' }, { expiresIn: 3600 })}`,
});
const key = { 'x-api-key': KEY };
const leadId = randomUUID();
const lead = { id: leadId, email: 'anna@biolab.example', routing_status: 'routed' };
const result = {
  action: 'routed',
  reason: 'manual',
  pipeline_id: randomUUID(),
  deal_id: randomUUID(),
  assigned_to: null,
};

beforeAll(async () => {
  gw = await GatewayHarness.start({
    API_KEYS: `${KEY}:api:events:write+read+write,${READ_KEY}:api:read`,
    JWT_SECRET,
    RPC_TIMEOUT_MS: '1000',
  });
});

afterEach(() => responders.stopAll());

afterAll(async () => {
  await gw?.close();
});

describe('routing routes (api.md §11) and POST /leads/:id/route', () => {
  it('wraps reads in {success, data, meta} and passes validated queries on', async () => {
    const config = { min_score_threshold: 40 };
    await responder(Queries.LeadsGetRoutingConfig, () => config);
    const unrouted = await responder(Queries.LeadsListUnrouted, () => [lead]);
    const review = await responder(Queries.LeadsListManualReview, () => []);

    expect((await gw.request('/api/v1/routing/config', { headers: key })).body).toEqual({
      success: true,
      data: config,
    });
    const pool = await gw.request('/api/v1/routing/unrouted?limit=200&min_score=40', { headers: key });
    expect(pool.status).toBe(200);
    expect(pool.body).toEqual({ success: true, data: [lead], meta: { count: 1, limit: 200, min_score: 40 } });
    expect(unrouted.calls).toEqual([{ limit: 200, min_score: 40 }]);
    expect((await gw.request('/api/v1/routing/manual-review', { headers: key })).body).toEqual({
      success: true,
      data: [],
      meta: { count: 0, limit: 50 },
    });
    expect(review.calls).toEqual([{ limit: 50 }]);

    const leads = await gw.request('/api/v1/leads/unrouted?limit=100', { headers: key });
    expect(leads.body).toEqual({ data: [lead] });
    expect(unrouted.calls[1]).toEqual({ limit: 100, min_score: 0 });
    const tooMany = await gw.request('/api/v1/leads/unrouted?limit=101', { headers: key });
    expect(tooMany.status).toBe(400);
    expect((await gw.request('/api/v1/routing/unrouted?limit=201', { headers: key })).status).toBe(400);
    expect(unrouted.calls).toHaveLength(2);
  });

  it('lets only admins change the config; bad bodies are 400 before leads is asked', async () => {
    const update = await responder(Queries.LeadsUpdateRoutingConfig, (command) => ({ ...command.body }));
    const body = { min_score_threshold: 30, intent_to_pipeline: { b2b: 'research-lab' } };
    for (const headers of [as('marketing_manager'), as('bdr'), key]) {
      const refused = await gw.request('/api/v1/routing/config', { method: 'PUT', headers, body });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('AUTHORIZATION_ERROR');
    }
    expect((await gw.request('/api/v1/routing/config', { method: 'PUT', body })).status).toBe(401);
    const bad = await gw.request('/api/v1/routing/config', {
      method: 'PUT',
      headers: as('admin'),
      body: {
        owner_assignment: { b2b: { role: 'boss', strategy: 'capacity' } },
        intent_to_pipeline: { research: 'Bad Slug' },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    expect(update.calls).toEqual([]);

    const done = await gw.request('/api/v1/routing/config', { method: 'PUT', headers: as('admin'), body });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ success: true, data: body });
    expect(update.calls).toEqual([
      { actor: { type: 'user', id: memberId, name: 'rita@dna-me.example' }, body },
    ]);
  });

  it('evaluates, routes by hand and queues batches with a write key or as a member; a read key is refused', async () => {
    const evaluate = await responder(Queries.LeadsEvaluateRouting, (c) => ({
      lead_id: c.lead_id,
      email: lead.email,
      routing_result: { action: 'wait', reason: 'insufficient_confidence', days_in_pool: 3 },
    }));
    const route = await responder(Queries.LeadsRouteManually, () => ({ lead, routing_result: result }));
    const batch = await responder(Queries.LeadsBatchEvaluateRouting, (c) => ({
      queued: c.body.lead_ids.length,
      job_ids: c.body.lead_ids.map(() => randomUUID()),
    }));

    const evaluated = await gw.request(`/api/v1/routing/evaluate/${leadId}`, {
      method: 'POST',
      headers: key,
    });
    expect(evaluated.status).toBe(200);
    expect(evaluated.body).toEqual({
      success: true,
      data: {
        lead_id: leadId,
        email: lead.email,
        routing_result: { action: 'wait', reason: 'insufficient_confidence', days_in_pool: 3 },
      },
    });
    const pipelineId = randomUUID();
    const manual = await gw.request(`/api/v1/routing/manual/${leadId}`, {
      method: 'POST',
      headers: as('bdr'),
      body: { pipeline_id: pipelineId, assigned_to: 'lena@dna-me.example' },
    });
    expect(manual.status).toBe(200);
    expect(manual.body).toEqual({ success: true, data: { lead_id: leadId, routing_result: result } });
    const routed = await gw.request(`/api/v1/leads/${leadId}/route`, {
      method: 'POST',
      headers: key,
      body: { pipeline_id: pipelineId, reason: 'asked for a call' },
    });
    expect(routed.status).toBe(200);
    expect(routed.body).toEqual(lead);
    expect(route.calls.map((c) => c.body)).toEqual([
      { pipeline_id: pipelineId, assigned_to: 'lena@dna-me.example' },
      { pipeline_id: pipelineId, reason: 'asked for a call' },
    ]);

    const queued = await gw.request('/api/v1/routing/batch-evaluate', {
      method: 'POST',
      headers: key,
      body: { lead_ids: [leadId, randomUUID()] },
    });
    expect(queued.status).toBe(202);
    expect(queued.body).toEqual({
      success: true,
      data: { queued: 2, job_ids: [expect.any(String), expect.any(String)] },
    });

    for (const [path, body] of [
      [`/api/v1/routing/evaluate/${leadId}`, undefined],
      [`/api/v1/routing/manual/${leadId}`, { pipeline_id: pipelineId }],
      ['/api/v1/routing/batch-evaluate', { lead_ids: [leadId] }],
    ] as const) {
      const refused = await gw.request(path, { method: 'POST', headers: { 'x-api-key': READ_KEY }, body });
      expect(refused.status).toBe(403);
    }
    expect(evaluate.calls).toHaveLength(1);
    expect(batch.calls).toHaveLength(1);
  });

  it('answers bad input with 400 and unknown leads with 404, never asking leads for bad input', async () => {
    const route = await responder(Queries.LeadsRouteManually, () => {
      throw new NotFoundError('Lead', leadId);
    });
    await responder(Queries.LeadsEvaluateRouting, () => {
      throw new NotFoundError('Lead', leadId);
    });
    const cases: [string, unknown][] = [
      [`/api/v1/routing/manual/${leadId}`, {}],
      [`/api/v1/routing/manual/${leadId}`, { pipeline_id: 'x' }],
      [`/api/v1/leads/${leadId}/route`, { pipeline_id: randomUUID(), reason: 'x'.repeat(501) }],
      ['/api/v1/routing/manual/not-a-uuid', { pipeline_id: randomUUID() }],
      ['/api/v1/routing/batch-evaluate', { lead_ids: [] }],
      ['/api/v1/routing/batch-evaluate', { lead_ids: Array.from({ length: 101 }, () => randomUUID()) }],
      ['/api/v1/routing/batch-evaluate', { lead_ids: ['nope'] }],
    ];
    for (const [path, body] of cases) {
      const response = await gw.request(path, { method: 'POST', headers: key, body });
      expect({ path, status: response.status, code: response.body.error?.code }).toEqual({
        path,
        status: 400,
        code: 'VALIDATION_ERROR',
      });
    }
    expect(route.calls).toEqual([]);
    const missing = await gw.request(`/api/v1/routing/evaluate/${leadId}`, { method: 'POST', headers: key });
    expect(missing.status).toBe(404);
    const unknownLead = await gw.request(`/api/v1/leads/${leadId}/route`, {
      method: 'POST',
      headers: key,
      body: { pipeline_id: randomUUID() },
    });
    expect(unknownLead.status).toBe(404);
  });
});
