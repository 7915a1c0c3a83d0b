import { randomUUID } from 'node:crypto';
import { NotFoundError, Queries, ValidationFailedError, type MemberRole } from '@crm/contracts';
import { AccessTokens } from './support/access-tokens';
import { GatewayHarness } from './support/gateway-harness';
import { RpcResponders } from './support/rpc-responders';

/*
 * api.md §12 at the gateway: each route's auth label, bodies and queries checked before anything is forwarded,
 * and automation's answers (its 400s and 404s included) passed through.
 */

const READ_KEY = 'rules-routes-read-key';
const WRITE_KEY = 'rules-routes-write-key';
const JWT_SECRET = 'rules-routes-test-secret-0123456789abcdef';
const tokens = new AccessTokens(JWT_SECRET);
const as = (role: MemberRole) => tokens.bearer(role);

let gw: GatewayHarness;
const responders = new RpcResponders(() => gw);

const rule = (id: string) => ({
  id,
  name: 'Hot lead alert',
  description: null,
  is_active: true,
  priority: 10,
  pipeline_id: null,
  stage_id: null,
  trigger_type: 'score_threshold',
  trigger_config: { score_gte: 80 },
  action_type: 'send_notification',
  action_config: { channel: '#hot-leads' },
  last_executed: null,
  execution_count: 0,
  created_at: new Date().toISOString(),
  updated_at: new Date().toISOString(),
  pipeline_name: null,
  stage_name: null,
});
const page = (data: unknown[]) => ({
  data,
  pagination: {
    page: 1,
    limit: 20,
    total: data.length,
    total_pages: 1,
    has_next: false,
    has_prev: false,
    next_cursor: null,
  },
});
const validBody = {
  name: 'Hot lead alert',
  trigger_type: 'score_threshold',
  trigger_config: { score_gte: 80 },
  action_type: 'send_notification',
  action_config: { channel: '#hot-leads' },
};

beforeAll(async () => {
  gw = await GatewayHarness.start({
    API_KEYS: `${READ_KEY}:api:read,${WRITE_KEY}:api:read+write`,
    RPC_TIMEOUT_MS: '1000',
    JWT_SECRET,
  });
});
afterEach(() => responders.stopAll());
afterAll(async () => {
  await gw?.close();
});

describe('automation rule routes (api.md §12): auth labels', () => {
  const id = randomUUID();
  const routes = [
    { method: 'GET', path: '/api/v1/automation/rules', reads: true },
    { method: 'GET', path: `/api/v1/automation/rules/${id}`, reads: true },
    { method: 'GET', path: `/api/v1/automation/rules/${id}/logs`, reads: true },
    { method: 'GET', path: '/api/v1/automation/stats', reads: true },
    { method: 'POST', path: '/api/v1/automation/rules', reads: false, body: validBody },
    { method: 'PATCH', path: `/api/v1/automation/rules/${id}`, reads: false, body: { name: 'x' } },
    { method: 'DELETE', path: `/api/v1/automation/rules/${id}`, reads: false },
  ];

  beforeEach(async () => {
    await responders.answer(Queries.AutomationListRules, () => page([rule(id)]));
    await responders.answer(Queries.AutomationGetRule, () => ({ ...rule(id), stats: {} }));
    await responders.answer(Queries.AutomationRuleLogs, () => page([]));
    await responders.answer(Queries.AutomationStats, () => ({ rules: {}, executions: {}, top_rules_7d: [] }));
    await responders.answer(Queries.AutomationCreateRule, () => rule(id));
    await responders.answer(Queries.AutomationUpdateRule, () => rule(id));
    await responders.answer(Queries.AutomationDeleteRule, () => null);
  });

  it('reads: any member or a read key; changes: config members only (no key, no other role)', async () => {
    const results: string[] = [];
    for (const route of routes) {
      const call = (headers: Record<string, string>) =>
        gw.request(route.path, { method: route.method, headers, body: route.body });
      const expectations: [string, Record<string, string>, number][] = route.reads
        ? [
            ['no credentials', {}, 401],
            ['bdr', as('bdr'), 200],
            ['read key', { 'x-api-key': READ_KEY }, 200],
          ]
        : [
            ['no credentials', {}, 401],
            ['bdr', as('bdr'), 403],
            ['write key', { 'x-api-key': WRITE_KEY }, 403],
            [
              'marketing_manager',
              as('marketing_manager'),
              route.method === 'POST' ? 201 : route.method === 'DELETE' ? 204 : 200,
            ],
            ['admin', as('admin'), route.method === 'POST' ? 201 : route.method === 'DELETE' ? 204 : 200],
          ];
      for (const [who, headers, expected] of expectations) {
        const status = (await call(headers)).status;
        if (status !== expected)
          results.push(`${route.method} ${route.path} as ${who}: ${status}, not ${expected}`);
      }
    }
    expect(results).toEqual([]);
  });
});

describe('automation rule routes (api.md §12): forwarding', () => {
  it('creates with the validated body and the actor; a bad body is 400 and never forwarded', async () => {
    const created = await responders.answer(Queries.AutomationCreateRule, () => rule(randomUUID()));
    const bad = await gw.request('/api/v1/automation/rules', {
      method: 'POST',
      headers: as('marketing_manager'),
      body: { ...validBody, trigger_type: 'whenever', name: '' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    expect(bad.body.error.details.validation_errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'name',
      'trigger_type',
    ]);
    expect(created.calls).toEqual([]);

    const ok = await gw.request('/api/v1/automation/rules', {
      method: 'POST',
      headers: as('marketing_manager'),
      body: validBody,
    });
    expect(ok.status).toBe(201);
    expect(created.calls).toEqual([
      { actor: expect.objectContaining({ type: 'user' }), body: expect.objectContaining(validBody) },
    ]);
  });

  it("passes automation's 400 (a stage leads does not have) and 404 through", async () => {
    await responders.answer(Queries.AutomationUpdateRule, () => {
      throw new ValidationFailedError(
        [{ path: 'trigger_config.to_stage', message: 'no stage has this slug', code: 'not_found' }],
        'Invalid automation rule',
      );
    });
    const invalid = await gw.request(`/api/v1/automation/rules/${randomUUID()}`, {
      method: 'PATCH',
      headers: as('admin'),
      body: { trigger_type: 'stage_change', trigger_config: { to_stage: 'contract' } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.validation_errors).toEqual([
      { path: 'trigger_config.to_stage', message: 'no stage has this slug', code: 'not_found' },
    ]);

    const unknown = randomUUID();
    await responders.answer(Queries.AutomationGetRule, () => {
      throw new NotFoundError('Automation rule', unknown);
    });
    const missing = await gw.request(`/api/v1/automation/rules/${unknown}`, { headers: as('bdr') });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    expect((await gw.request('/api/v1/automation/rules/not-a-uuid', { headers: as('bdr') })).status).toBe(
      400,
    );
  });

  it('lists with filters and paging, and asks logs of the rule in the path', async () => {
    const listed = await responders.answer(Queries.AutomationListRules, () => page([]));
    const list = await gw.request('/api/v1/automation/rules?trigger_type=event&is_active=true&limit=5', {
      headers: as('bdr'),
    });
    expect(list.status).toBe(200);
    expect(listed.calls[0]).toMatchObject({ trigger_type: 'event', is_active: true, limit: 5, page: 1 });
    expect(
      (await gw.request('/api/v1/automation/rules?action_type=teleport', { headers: as('bdr') })).status,
    ).toBe(400);

    const logs = await responders.answer(Queries.AutomationRuleLogs, () => page([]));
    const ruleId = randomUUID();
    const answer = await gw.request(`/api/v1/automation/rules/${ruleId}/logs?page=2&limit=10`, {
      headers: { 'x-api-key': READ_KEY },
    });
    expect(answer.status).toBe(200);
    expect(logs.calls).toEqual([{ rule_id: ruleId, page: 2, limit: 10 }]);
  });
});
