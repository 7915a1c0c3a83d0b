import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { NotFoundError, Queries, ValidationFailedError, toPage } from '@crm/contracts';
import { GatewayHarness } from './support/gateway-harness';
import { RpcResponders } from './support/rpc-responders';

const KEY = 'scoring-routes-key-all-scopes';
const JWT_SECRET = 'scoring-routes-test-secret-0123456789abcdef';

let gw: GatewayHarness;
const jwt = new JwtService({ secret: JWT_SECRET });

const responders = new RpcResponders(() => gw);

const responder = (subject: string, handler: (data: any) => unknown) => responders.answer(subject, handler);

const member = { id: randomUUID(), email: 'mona@dna-me.example' };

function accessToken(role: string, overrides: Record<string, unknown> = {}, expiresIn = 3600): string {
  return jwt.sign(
    {
      sub: member.id,
      id: member.id,
      email: member.email,
      role,
      typ: 'access',
      jti: randomUUID(),
      ...overrides,
    },
    { expiresIn },
  );
}

const as = (token: string) => ({ authorization: `Bearer ${token}` });

const ruleBody = {
  name: 'Case study downloaded',
  rule_type: 'event',
  category: 'behavior',
  conditions: { event_type: 'case_study_downloaded' },
  points: 12,
};

beforeAll(async () => {
  gw = await GatewayHarness.start({
    API_KEYS: `${KEY}:api:events:write+read+write`,
    JWT_SECRET,
    RPC_TIMEOUT_MS: '1000',
  });
});

afterEach(() => responders.stopAll());

afterAll(async () => {
  await gw?.close();
});

describe('user access tokens and the config label (api.md §1.2)', () => {
  it.each(['admin', 'marketing_manager'])(
    'lets a %s create a rule, naming the member as actor',
    async (role) => {
      const created = { id: randomUUID(), ...ruleBody, version: 1 };
      const scoring = await responder(Queries.ScoringCreateRule, () => created);
      const response = await gw.request('/api/v1/scoring/rules', {
        method: 'POST',
        headers: as(accessToken(role)),
        body: ruleBody,
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual(created);
      expect(scoring.calls).toEqual([
        { actor: { type: 'user', id: member.id, name: member.email }, body: ruleBody },
      ]);
    },
  );

  it.each([
    ['a bdr', () => as(accessToken('bdr')), 403, 'AUTHORIZATION_ERROR'],
    ['an ae', () => as(accessToken('ae')), 403, 'AUTHORIZATION_ERROR'],
    ['an API key with every scope', () => ({ 'x-api-key': KEY }), 403, 'AUTHORIZATION_ERROR'],
    ['no credentials', () => ({}), 401, 'AUTHENTICATION_ERROR'],
    ['an expired token', () => as(accessToken('admin', {}, -10)), 401, 'TOKEN_EXPIRED'],
    [
      'a token signed with another secret',
      () =>
        as(
          new JwtService({ secret: 'another-secret-0123456789abcdef0123' }).sign({
            sub: member.id,
            email: member.email,
            role: 'admin',
            typ: 'access',
          }),
        ),
      401,
      'AUTHENTICATION_ERROR',
    ],
    ['a refresh token', () => as(accessToken('admin', { typ: 'refresh' })), 401, 'AUTHENTICATION_ERROR'],
    ['an unknown role', () => as(accessToken('owner')), 401, 'AUTHENTICATION_ERROR'],
    [
      'a token without a member id',
      () => as(accessToken('admin', { sub: 'admin' })),
      401,
      'AUTHENTICATION_ERROR',
    ],
    [
      'an unsigned token (alg none)',
      () => {
        const [, payload] = accessToken('admin').split('.');
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
        return as(`${header}.${payload}.`);
      },
      401,
      'AUTHENTICATION_ERROR',
    ],
    ['a Basic header', () => ({ authorization: 'Basic YWRtaW46YWRtaW4=' }), 401, 'AUTHENTICATION_ERROR'],
    [
      'a bad token next to a valid API key',
      () => ({ ...as('not-a-token'), 'x-api-key': KEY }),
      401,
      'AUTHENTICATION_ERROR',
    ],
  ])('refuses %s on a config route, asking nobody', async (_who, headers, status, code) => {
    const scoring = await responder(Queries.ScoringCreateRule, () => ({}));
    const response = await gw.request('/api/v1/scoring/rules', {
      method: 'POST',
      headers: headers(),
      body: ruleBody,
    });
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(scoring.calls).toHaveLength(0);
  });

  it('lets any member and a read key list rules; the query is validated and converted', async () => {
    const scoring = await responder(Queries.ScoringListRules, (q) => toPage([], 0, q.page, q.limit));
    for (const headers of [as(accessToken('bdr')), { 'x-api-key': KEY }]) {
      const response = await gw.request('/api/v1/scoring/rules?category=behavior&is_active=true&limit=5', {
        headers,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-total-count')).toBe('0');
    }
    expect(scoring.calls[0]).toEqual({ category: 'behavior', is_active: true, page: 1, limit: 5 });
    const bad = await gw.request('/api/v1/scoring/rules?category=fit', { headers: { 'x-api-key': KEY } });
    expect(bad.status).toBe(400);
    expect(scoring.calls).toHaveLength(2);
  });

  it('a member may ingest events; the event carries no api_key_source, even one the client sent', async () => {
    const before = await gw.streamMessageCount('INGEST');
    const response = await gw.request('/api/v1/events/ingest', {
      method: 'POST',
      headers: as(accessToken('bdr')),
      body: {
        event_type: 'note_added',
        source: 'manual',
        occurred_at: new Date().toISOString(),
        lead_identifier: { email: 'jane@acme-bio.example' },
        metadata: { api_key_source: 'forged' },
      },
    });
    expect(response.status).toBe(202);
    expect(await gw.streamMessageCount('INGEST')).toBe(before + 1);
    const stream = gw.stream('INGEST');
    const stored = await gw.jsm.streams.getMessage(stream, {
      last_by_subj: gw.subject('ingest.event.received.v1'),
    });
    expect(stored!.json<any>().data.metadata).toEqual({});
  });
});

describe('scoring routes (api.md §10, §5 scores)', () => {
  const admin = () => as(accessToken('admin'));

  it('validates a rule body at the gateway: 400 with field details, the service is not asked', async () => {
    const scoring = await responder(Queries.ScoringCreateRule, () => ({}));
    const response = await gw.request('/api/v1/scoring/rules', {
      method: 'POST',
      headers: admin(),
      body: { ...ruleBody, points: 5000, rule_type: 'webhook', slug: 'Bad Slug' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details.validation_errors.map((i: any) => i.path).sort()).toEqual([
      'points',
      'rule_type',
      'slug',
    ]);
    expect(scoring.calls).toHaveLength(0);
  });

  it('passes the service’s own 400 (conditions) through with its details', async () => {
    await responder(Queries.ScoringCreateRule, () => {
      throw new ValidationFailedError([
        { path: 'conditions.value', message: 'could backtrack catastrophically', code: 'isSafePattern' },
      ]);
    });
    const response = await gw.request('/api/v1/scoring/rules', {
      method: 'POST',
      headers: admin(),
      body: ruleBody,
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details.validation_errors).toEqual([
      { path: 'conditions.value', message: 'could backtrack catastrophically', code: 'isSafePattern' },
    ]);
  });

  it('PATCH forwards the partial body with id and actor; DELETE answers 204 without a body', async () => {
    const id = randomUUID();
    const update = await responder(Queries.ScoringUpdateRule, (c) => ({
      id: c.id,
      points: c.body.points,
      version: 2,
    }));
    const archive = await responder(Queries.ScoringArchiveRule, () => null);

    const patched = await gw.request(`/api/v1/scoring/rules/${id}`, {
      method: 'PATCH',
      headers: admin(),
      body: { points: 20, max_per_day: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ id, points: 20, version: 2 });
    expect(update.calls[0]).toEqual({
      actor: { type: 'user', id: member.id, name: member.email },
      id,
      body: { points: 20, max_per_day: null },
    });

    const deleted = await gw.request(`/api/v1/scoring/rules/${id}`, { method: 'DELETE', headers: admin() });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect(archive.calls).toEqual([{ actor: { type: 'user', id: member.id, name: member.email }, id }]);
  });

  it('GET /leads/:id/scores asks leads whether the lead exists: 404 for an unknown one', async () => {
    const id = randomUUID();
    await responder(Queries.LeadsGetLead, (q) => {
      throw new NotFoundError('Lead', q.id);
    });
    const history = await responder(Queries.ScoringLeadHistory, () => ({ data: [] }));
    const response = await gw.request(`/api/v1/leads/${id}/scores`, { headers: { 'x-api-key': KEY } });
    expect(response.status).toBe(404);
    expect(response.body.error.details).toEqual({ resource: 'Lead', identifier: id });
    expect(history.calls).toHaveLength(1);
  });

  it('GET /leads/:id/scores forwards offset paging and the category filter; limit > 100 is a 400', async () => {
    const id = randomUUID();
    await responder(Queries.LeadsGetLead, (q) => ({ id: q.id, email: 'jane@acme-bio.example' }));
    const rows = [{ id: randomUUID(), lead_id: id, rule_slug: 'beh-demo-request', points_change: 50 }];
    const history = await responder(Queries.ScoringLeadHistory, () => ({ data: rows }));
    const response = await gw.request(`/api/v1/leads/${id}/scores?limit=10&offset=20&category=behavior`, {
      headers: { 'x-api-key': KEY },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: rows });
    expect(history.calls).toEqual([{ lead_id: id, limit: 10, offset: 20, category: 'behavior' }]);

    const bad = await gw.request(`/api/v1/leads/${id}/scores?limit=101`, { headers: { 'x-api-key': KEY } });
    expect(bad.status).toBe(400);
    // History allows up to 500 rows.
    await gw.request(`/api/v1/scoring/leads/${id}/history?limit=500`, { headers: { 'x-api-key': KEY } });
    expect(history.calls[1]).toEqual({ lead_id: id, limit: 500, offset: 0 });
  });

  it('GET /scoring/leads/:leadId/breakdown adds the lead’s email to scoring’s totals', async () => {
    const id = randomUUID();
    await responder(Queries.LeadsGetLead, (q) => ({ id: q.id, email: 'jane@acme-bio.example' }));
    const totals = {
      score_tier: 'warm',
      demographic: 10,
      engagement: 2,
      behavior: 50,
      total: 62,
      history_count: 4,
      expired_points: 2,
    };
    await responder(Queries.ScoringLeadBreakdown, (q) => ({ lead_id: q.id, ...totals }));
    const response = await gw.request(`/api/v1/scoring/leads/${id}/breakdown`, {
      headers: as(accessToken('ae')),
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ lead_id: id, email: 'jane@acme-bio.example', ...totals });
  });

  it('GET /leads/:id/intents forwards paging and the intent filter; 404 for an unknown lead', async () => {
    const id = randomUUID();
    const leads = await responder(Queries.LeadsGetLead, (q) => {
      if (q.id !== id) throw new NotFoundError('Lead', q.id);
      return { id: q.id };
    });
    const signals = [{ id: randomUUID(), lead_id: id, intent: 'b2b', confidence_points: 30 }];
    const intents = await responder(Queries.ScoringLeadIntents, () => ({ data: signals }));
    const response = await gw.request(`/api/v1/leads/${id}/intents?intent=b2b&limit=5`, {
      headers: { 'x-api-key': KEY },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: signals });
    expect(intents.calls[0]).toEqual({ lead_id: id, intent: 'b2b', limit: 5, offset: 0 });
    const unknown = await gw.request(`/api/v1/leads/${randomUUID()}/intents`, {
      headers: { 'x-api-key': KEY },
    });
    expect(unknown.status).toBe(404);
    const bad = await gw.request(`/api/v1/leads/${id}/intents?intent=sales`, {
      headers: { 'x-api-key': KEY },
    });
    expect(bad.status).toBe(400);
    expect(leads.calls).toHaveLength(2);
  });

  it('intent rules: config members create and edit, anyone reads; the body is validated first', async () => {
    const create = await responder(Queries.ScoringCreateIntentRule, (c) => ({ id: randomUUID(), ...c.body }));
    const list = await responder(Queries.ScoringListIntentRules, (q) => toPage([], 0, q.page, q.limit));
    const body = {
      name: 'Case studies',
      intent: 'research',
      rule_type: 'event',
      conditions: { event_type: 'page_visited', metadata: { page_path: '/case-studies' } },
      points: 15,
    };
    const created = await gw.request('/api/v1/scoring/intent-rules', {
      method: 'POST',
      headers: admin(),
      body,
    });
    expect(created.status).toBe(201);
    expect(create.calls[0]).toEqual({ actor: { type: 'user', id: member.id, name: member.email }, body });
    const asBdr = await gw.request('/api/v1/scoring/intent-rules', {
      method: 'POST',
      headers: as(accessToken('bdr')),
      body,
    });
    expect(asBdr.status).toBe(403);
    const zero = await gw.request('/api/v1/scoring/intent-rules', {
      method: 'POST',
      headers: admin(),
      body: { ...body, points: 0, intent: 'sales' },
    });
    expect(zero.status).toBe(400);
    expect(zero.body.error.details.validation_errors.map((i: any) => i.path).sort()).toEqual([
      'intent',
      'points',
    ]);
    expect(create.calls).toHaveLength(1);
    const listed = await gw.request('/api/v1/scoring/intent-rules?intent=b2b', {
      headers: { 'x-api-key': KEY },
    });
    expect(listed.status).toBe(200);
    expect(list.calls[0]).toEqual({ intent: 'b2b', page: 1, limit: 20 });
  });

  it('recalculation and expiry: labels, 404 for an unknown lead, 202 with the job, job status for readers', async () => {
    const id = randomUUID();
    await responder(Queries.LeadsGetLead, (q) => {
      if (q.id !== id) throw new NotFoundError('Lead', q.id);
      return { id: q.id };
    });
    const recalc = await responder(Queries.ScoringRecalculateLead, (c) => ({
      lead_id: c.lead_id,
      changed: true,
    }));
    const all = await responder(Queries.ScoringRecalculateAll, () => ({ job_id: id, leads_queued: 7 }));
    const expire = await responder(Queries.ScoringExpire, () => ({ job_id: id }));
    const job = await responder(Queries.ScoringGetJob, (q) => ({ id: q.id, status: 'running' }));

    const one = await gw.request(`/api/v1/scoring/leads/${id}/recalculate`, {
      method: 'POST',
      headers: admin(),
    });
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ lead_id: id, changed: true });
    expect(recalc.calls).toEqual([
      { actor: { type: 'user', id: member.id, name: member.email }, lead_id: id },
    ]);
    const unknown = await gw.request(`/api/v1/scoring/leads/${randomUUID()}/recalculate`, {
      method: 'POST',
      headers: admin(),
    });
    expect(unknown.status).toBe(404);
    expect(recalc.calls).toHaveLength(1);

    const asManager = as(accessToken('marketing_manager'));
    expect(
      (await gw.request('/api/v1/scoring/recalculate', { method: 'POST', headers: asManager })).status,
    ).toBe(403);
    const started = await gw.request('/api/v1/scoring/recalculate', { method: 'POST', headers: admin() });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ job_id: id, leads_queued: 7 });
    expect(all.calls).toHaveLength(1);

    const expiring = await gw.request('/api/v1/scoring/expire', { method: 'POST', headers: asManager });
    expect(expiring.status).toBe(202);
    expect(expire.calls).toEqual([{ actor: { type: 'user', id: member.id, name: member.email } }]);
    expect(
      (await gw.request('/api/v1/scoring/expire', { method: 'POST', headers: { 'x-api-key': KEY } })).status,
    ).toBe(403);

    const status = await gw.request(`/api/v1/scoring/jobs/${id}`, { headers: { 'x-api-key': KEY } });
    expect(status.body).toEqual({ id, status: 'running' });
    expect(job.calls).toEqual([{ id }]);
  });

  it('POST /scoring/rules/preview checks rule as a create or a patch body, with paths under rule.', async () => {
    const previews = await responder(Queries.ScoringPreviewRule, () => ({
      leads_evaluated: 3,
      leads_changed: 1,
    }));
    const id = randomUUID();
    const post = (headers: Record<string, string>, body: unknown) =>
      gw.request('/api/v1/scoring/rules/preview', { method: 'POST', headers, body });

    expect((await post(admin(), { rule_id: id, rule: { points: 45 } })).status).toBe(200);
    expect(previews.calls[0]).toEqual({ rule_id: id, update: { points: 45 } });
    expect((await post(admin(), { rule: ruleBody })).status).toBe(200);
    expect(previews.calls[1]).toEqual({ create: ruleBody });
    expect((await post(admin(), { rule_id: id, archive: true })).status).toBe(200);
    expect(previews.calls[2]).toEqual({ rule_id: id, archive: true });

    const bad = await post(admin(), { rule: { ...ruleBody, points: 5000, category: 'fit' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.validation_errors.map((i: any) => i.path).sort()).toEqual([
      'rule.category',
      'rule.points',
    ]);
    expect((await post(admin(), {})).status).toBe(400);
    expect((await post(as(accessToken('bdr')), { rule: ruleBody })).status).toBe(403);
    expect(previews.calls).toHaveLength(3);
  });

  it('GET /scoring/thresholds answers the tiers of api.md §10', async () => {
    const response = await gw.request('/api/v1/scoring/thresholds', { headers: { 'x-api-key': KEY } });
    expect(response.status).toBe(200);
    expect(response.body.thresholds).toEqual({ COLD: 0, WARM: 40, HOT: 80, VERY_HOT: 120 });
    expect(response.body.tiers.map((t: any) => [t.name, t.min, t.max])).toEqual([
      ['cold', 0, 39],
      ['warm', 40, 79],
      ['hot', 80, 119],
      ['very_hot', 120, null],
    ]);
  });
});

describe('team routes (api.md §14)', () => {
  const admin = () => as(accessToken('admin'));
  const body = { email: 'new.member@dna-me.example', name: 'New Member', role: 'bdr', region: 'DACH' };

  it('admins create, edit, activate, deactivate and delete; anyone signed in reads stats and workload', async () => {
    const id = randomUUID();
    const created = await responder(Queries.LeadsCreateTeamMember, (c) => ({ id, ...c.body }));
    const updated = await responder(Queries.LeadsUpdateTeamMember, (c) => ({ id: c.id, ...c.body }));
    const deleted = await responder(Queries.LeadsDeleteTeamMember, () => ({ success: true, message: 'ok' }));
    const deactivated = await responder(Queries.LeadsDeactivateTeamMember, (c) => ({
      id: c.id,
      is_active: false,
    }));
    const stats = await responder(Queries.LeadsTeamStats, () => ({ total_members: 1 }));
    const workload = await responder(Queries.LeadsTeamWorkload, (q) => ({ member: { id: q.id } }));

    const post = await gw.request('/api/v1/team', { method: 'POST', headers: admin(), body });
    expect(post.status).toBe(201);
    expect(created.calls[0]).toEqual({ actor: { type: 'user', id: member.id, name: member.email }, body });
    expect(
      (await gw.request('/api/v1/team', { method: 'POST', headers: as(accessToken('ae')), body })).status,
    ).toBe(403);
    expect(
      (await gw.request('/api/v1/team', { method: 'POST', headers: { 'x-api-key': KEY }, body })).status,
    ).toBe(403);
    const bad = await gw.request('/api/v1/team', {
      method: 'POST',
      headers: admin(),
      body: { ...body, role: 'owner', max_leads: 5000 },
    });
    expect(bad.status).toBe(400);
    expect(created.calls).toHaveLength(1);

    expect(
      (await gw.request(`/api/v1/team/${id}`, { method: 'PATCH', headers: admin(), body: { role: 'ae' } }))
        .status,
    ).toBe(200);
    expect(
      (await gw.request(`/api/v1/team/${id}/deactivate`, { method: 'POST', headers: admin() })).body,
    ).toEqual({
      id,
      is_active: false,
    });
    expect(deactivated.calls).toHaveLength(1);
    expect((await gw.request(`/api/v1/team/${id}`, { method: 'DELETE', headers: admin() })).status).toBe(200);
    expect(deleted.calls).toEqual([{ actor: { type: 'user', id: member.id, name: member.email }, id }]);

    expect((await gw.request('/api/v1/team/stats', { headers: as(accessToken('bdr')) })).body).toEqual({
      total_members: 1,
    });
    expect((await gw.request('/api/v1/team/stats', { headers: { 'x-api-key': KEY } })).status).toBe(403);
    expect(
      (await gw.request(`/api/v1/team/${id}/workload`, { headers: as(accessToken('bdr')) })).status,
    ).toBe(200);
    expect(stats.calls).toHaveLength(1);
    expect(workload.calls).toEqual([{ id }]);
    expect(updated.calls).toHaveLength(1);
  });

  it('a member may change only their own name and avatar', async () => {
    const updated = await responder(Queries.LeadsUpdateTeamMember, (c) => ({ id: c.id, ...c.body }));
    const self = as(accessToken('bdr'));
    const own = await gw.request(`/api/v1/team/${member.id}`, {
      method: 'PATCH',
      headers: self,
      body: { name: 'Mona M.', avatar: null },
    });
    expect(own.status).toBe(200);
    expect(updated.calls[0]).toMatchObject({ id: member.id, body: { name: 'Mona M.', avatar: null } });
    const role = await gw.request(`/api/v1/team/${member.id}`, {
      method: 'PATCH',
      headers: self,
      body: { role: 'admin' },
    });
    expect(role.status).toBe(403);
    const other = await gw.request(`/api/v1/team/${randomUUID()}`, {
      method: 'PATCH',
      headers: self,
      body: { name: 'X' },
    });
    expect(other.status).toBe(403);
    expect(updated.calls).toHaveLength(1);
  });

  it('reads the list with a read key or as a member; the query is validated', async () => {
    const list = await responder(Queries.LeadsListTeam, (q) => toPage([], 0, q.page, q.limit));
    expect(
      (
        await gw.request('/api/v1/team?role=ae&is_active=true&sort_by=current_leads', {
          headers: { 'x-api-key': KEY },
        })
      ).status,
    ).toBe(200);
    expect(list.calls[0]).toEqual({
      role: 'ae',
      is_active: true,
      sort_by: 'current_leads',
      page: 1,
      limit: 20,
    });
    expect(
      (await gw.request('/api/v1/team?sort_by=password', { headers: as(accessToken('bdr')) })).status,
    ).toBe(400);
    expect(list.calls).toHaveLength(1);
  });
});
