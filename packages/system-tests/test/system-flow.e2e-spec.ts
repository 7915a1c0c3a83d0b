import { createHmac, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  FAKE_CITURO_API_KEY,
  FAKE_MOCO_API_KEY,
  FakeCituroServer,
  FakeMocoServer,
  FakeSlackServer,
  FakeSmtpServer,
  FakeWebhookReceiver,
  sendCituroWebhook,
  waitFor,
} from '@crm/testing';
import { ApiClient, memberAccessToken, RunningSystem, SYSTEM_API_KEY } from '../src';

/**
 * The whole system as five processes with a fake Slack, driven over HTTP the way producers and the web UI do.
 * Failure tests look into the database and the broker only to count what must not be duplicated or lost.
 */
describe('system: ingest → lead → score → deal move → stage trigger → Slack', () => {
  let slack: FakeSlackServer;
  let cituro: FakeCituroServer;
  let moco: FakeMocoServer;
  let smtp: FakeSmtpServer;
  let receiver: FakeWebhookReceiver;
  let system: RunningSystem;
  let api: ApiClient;

  const event = (overrides: Record<string, unknown>) => ({
    event_type: 'page_visited',
    source: 'website',
    occurred_at: new Date(Date.now() - 60_000).toISOString(),
    ...overrides,
  });

  const findLead = async (email: string) => {
    const { body } = await api.get(`/api/v1/leads?search=${encodeURIComponent(email)}`);
    return body?.data?.find((l: { email: string }) => l.email === email.toLowerCase());
  };

  /** The lead once routing has routed it. */
  const routedLead = (email: string) =>
    waitFor(
      async () => {
        const found = await findLead(email);
        return found?.routing_status === 'routed' ? found : undefined;
      },
      { message: `lead ${email} never routed` },
    );

  const sql = async <T = any>(query: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({ connectionString: system.db.url });
    await client.connect();
    try {
      return (await client.query(query, params)).rows;
    } finally {
      await client.end();
    }
  };

  const ingestStreamCount = async () => {
    const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
    try {
      const jsm = await jetstreamManager(nc);
      return (await jsm.streams.info(`${system.namespace.toUpperCase()}_INGEST`)).state.messages;
    } finally {
      await nc.close();
    }
  };

  /** A demo request's lead, routed into b2b-lab-enablement, with a send_slack_message trigger on the deal's next stage. */
  async function dealWithSlackTrigger(email: string, message = 'Deal {deal.name} moved to {stage.name}') {
    await api.ingest(event({ event_type: 'demo_requested', lead_identifier: { email } }));
    const lead = await routedLead(email);
    const pipelines = await api.get('/api/v1/pipelines');
    const pipeline = pipelines.body.data.find((p: { slug: string }) => p.slug === 'b2b-lab-enablement');
    const stages = (await api.get(`/api/v1/pipelines/${pipeline.id}/stages`)).body.data;
    const [deal] = (await api.get(`/api/v1/deals?lead_id=${lead.id}&pipeline_id=${pipeline.id}`)).body.data;
    expect(deal.stage_id).toBe(stages[0].id);
    const saved = await api.request(
      'POST',
      `/api/v1/stages/${stages[1].id}/triggers`,
      {
        triggers: [
          { action: 'send_slack_message', name: 'Tell sales', config: { channel: '#sales', message } },
        ],
      },
      asAdmin(),
    );
    expect(saved.status).toBe(200);
    return { lead, pipeline, stages, deal };
  }

  const runsOf = async (dealId: string) =>
    (await api.get(`/api/v1/triggers/runs?deal_id=${dealId}`)).body.data;

  const asAdmin = () => ({
    authorization: `Bearer ${memberAccessToken({ id: randomUUID(), email: 'admin@dna-me.test', role: 'admin' })}`,
  });

  const pipelineBySlug = async (slug: string) =>
    (await api.get('/api/v1/pipelines')).body.data.find((p: { slug: string }) => p.slug === slug);

  /** Owners are picked among every active member of a role: a test deactivates the ones earlier tests made. */
  const freshTeam = async (role: string) => {
    const active = (
      await api.request('GET', `/api/v1/team?role=${role}&is_active=true&limit=100`, undefined, asAdmin())
    ).body.data;
    for (const member of active) {
      expect(
        (await api.request('POST', `/api/v1/team/${member.id}/deactivate`, undefined, asAdmin())).status,
      ).toBe(200);
    }
  };

  const teamMember = async (body: Record<string, unknown>) => {
    const created = await api.request(
      'POST',
      '/api/v1/team',
      { email: `member-${randomUUID().slice(0, 8)}@dna-me.test`, ...body },
      asAdmin(),
    );
    expect(created.status).toBe(201);
    return created.body as { id: string; email: string };
  };

  beforeAll(async () => {
    slack = await FakeSlackServer.start();
    [cituro, moco, smtp, receiver] = await Promise.all([
      FakeCituroServer.start(),
      FakeMocoServer.start({ rateLimit: false }),
      FakeSmtpServer.start(),
      FakeWebhookReceiver.start(),
    ]);
    system = await RunningSystem.start({
      slackWebhookUrl: slack.webhookUrl(),
      smtpUrl: smtp.url(),
      // Retries of a day are seen in seconds; Slack's own Retry-After is never scaled.
      env: { MESSAGING_BACKOFF_SCALE: '0.001', GDPR_ERASE_WAIT_MS: '3000' },
    });
    api = new ApiClient(system.gatewayUrl, SYSTEM_API_KEY);
    // The seeded automation rules (api.md §12: MQL and hot-lead alerts, tasks on portal events) would add their
    // own Slack posts and tasks to what these tests count; automation's own suite tests them.
    const rules = await api.request('GET', '/api/v1/automation/rules?limit=100', undefined, asAdmin());
    for (const rule of rules.body.data as { id: string }[]) {
      const paused = await api.request(
        'PATCH',
        `/api/v1/automation/rules/${rule.id}`,
        { is_active: false },
        asAdmin(),
      );
      expect(paused.status).toBe(200);
    }
  });

  afterAll(async () => {
    await system?.stop();
    await Promise.all([slack?.close(), cituro?.close(), moco?.close(), smtp?.close(), receiver?.close()]);
  });

  beforeEach(() => slack.reset());

  it('acceptance: a waalaxy visit and three portal events → 94 points, b2b 100, routed to B2B Lab Enablement / Initial Contact owned by the least-loaded AE; a deal move posts exactly one Slack message', async () => {
    await freshTeam('ae');
    const busy = await teamMember({ role: 'ae', name: 'Busy AE', max_leads: 10 });
    const free = await teamMember({ role: 'ae', name: 'Free AE', max_leads: 10 });
    // The busy AE already owns an open deal (of a lead below the routing gate).
    const earlier = `earlier-${randomUUID().slice(0, 8)}@acme-bio.com`;
    await api.ingest(event({ lead_identifier: { email: earlier } }));
    const earlierLead = await waitFor(() => findLead(earlier), { message: 'earlier lead not created' });
    const research = await pipelineBySlug('research-lab');
    expect(
      (
        await api.post('/api/v1/deals', {
          lead_id: earlierLead.id,
          pipeline_id: research.id,
          assigned_to: busy.id,
        })
      ).status,
    ).toBe(201);

    const suffix = randomUUID().slice(0, 8);
    const email = `Jane.Doe+${suffix}@Acme-Bio.com`;
    const linkedinUrl = `https://www.linkedin.com/in/jane-doe-${suffix}`;
    for (const e of [
      event({
        source: 'waalaxy',
        event_type: 'page_visited',
        metadata: { page_path: '/' },
        lead_identifier: { email, linkedin_url: linkedinUrl },
      }),
      event({
        source: 'portal',
        event_type: 'page_visited',
        metadata: { page_path: '/enterprise' },
        lead_identifier: { email },
      }),
      event({
        source: 'portal',
        event_type: 'roi_calculator_submitted',
        metadata: { samples_per_month: 300 },
        lead_identifier: { email },
      }),
      event({ source: 'portal', event_type: 'demo_requested', lead_identifier: { email } }),
    ]) {
      const accepted = await api.ingest(e);
      expect(accepted.status).toBe(202);
      expect(accepted.body).toMatchObject({ success: true, message: 'Event queued for processing' });
    }
    // Events 2 + 2 (page visits) + 30 (ROI calculator) + 50 (demo request) = 84, plus fit 10 (corporate email).
    const lead = await waitFor(
      async () => {
        const found = await findLead(email);
        return found?.total_score === 94 && found.routing_status === 'routed' ? found : undefined;
      },
      { message: 'lead never reached 94 points and routed' },
    );
    const b2b = await pipelineBySlug('b2b-lab-enablement');
    expect(lead).toMatchObject({
      demographic_score: 10,
      engagement_score: 4,
      behavior_score: 80,
      score_tier: 'hot',
      linkedin_url: linkedinUrl,
      first_touch_source: 'waalaxy',
      // b2b: /enterprise 30 + ROI calculator 20 + 100 samples or more 35 + demo request 25
      primary_intent: 'b2b',
      intent_confidence: 100,
      intent_summary: { research: 0, b2b: 110, co_creation: 0 },
      routing_status: 'routed',
      pipeline_id: b2b.id,
    });
    const intents = await api.get(`/api/v1/leads/${lead.id}/intents`);
    expect(intents.body.data.map((s: any) => s.confidence_points).sort()).toEqual([20, 25, 30, 35]);

    const stages = (await api.get(`/api/v1/pipelines/${b2b.id}/stages`)).body.data;
    const deals = (await api.get(`/api/v1/deals?lead_id=${lead.id}`)).body.data;
    expect(deals).toHaveLength(1);
    const [deal] = deals;
    expect(deal).toMatchObject({
      pipeline_id: b2b.id,
      pipeline_name: 'B2B Lab Enablement',
      stage_id: stages[0].id,
      stage_name: 'Initial Contact',
      assigned_to: free.id,
      status: 'open',
    });
    // The owner's first-contact task, as the task list shows it; the owner completes it.
    const tasks = await api.get(`/api/v1/leads/${lead.id}/tasks`);
    expect(tasks.body).toEqual({
      data: [
        expect.objectContaining({
          task_type: 'first_contact',
          assigned_to: free.email,
          assigned_to_id: free.id,
          deal_id: deal.id,
          deal_name: deal.name,
          status: 'open',
          // Routing runs at the first score that makes the lead routable (after the ROI calculator or after the demo
          // request, as the batches fall), and the task's priority follows the tier at that moment.
          priority: expect.stringMatching(/^(medium|high)$/),
        }),
      ],
      meta: { lead_id: lead.id, count: 1 },
    });
    const completed = await api.post(`/api/v1/tasks/${tasks.body.data[0].id}/complete`, undefined);
    expect(completed.status).toBe(200);
    expect(completed.body.data).toMatchObject({ status: 'completed', completed_at: expect.any(String) });
    // The activity feed and the lead's timeline show the four events, the task and the routing, and the CRM's
    // own rows (§4.3), written from the domain events shortly after: created, routed, its deal and task, task done.
    const crmRows = ['deal_created', 'lead_created', 'lead_routed', 'task_completed', 'task_created'];
    const feed = await waitFor(
      async () => {
        const page = await api.get(`/api/v1/events?lead_id=${lead.id}`);
        const crm = page.body.data.filter((e: any) => e.source === 'crm').map((e: any) => e.event_type);
        // The count and the rows are read at once on two connections: while rows still arrive, the count may be
        // one behind the rows it came with. Wait until both tell the same.
        const settled = page.body.total === page.body.data.length;
        return settled && JSON.stringify(crm.sort()) === JSON.stringify(crmRows) ? page : undefined;
      },
      { message: 'the CRM activity rows reached the feed' },
    );
    expect(feed.body.total).toBe(9);
    expect(feed.body.data.filter((e: any) => e.source !== 'crm')).toHaveLength(4);
    expect(feed.body.data.find((e: any) => e.event_type === 'lead_routed')).toMatchObject({
      event_category: 'system',
      score_points: null,
      metadata: { routed_by: 'auto', deal_id: deal.id, pipeline_slug: 'b2b-lab-enablement' },
    });
    // The four events may share their occurred_at to the millisecond: look the demo request up, not its place.
    expect(feed.body.data.find((e: any) => e.event_type === 'demo_requested')).toMatchObject({
      score_points: 50,
      lead: { id: lead.id },
    });
    const timeline = await api.get(`/api/v1/leads/${lead.id}/timeline`);
    expect(timeline.body.data.map((item: any) => item.timeline_type).sort()).toEqual([
      ...Array(9).fill('activity'),
      'stage_change',
      'task',
    ]);

    const saved = await api.request(
      'POST',
      `/api/v1/stages/${stages[1].id}/triggers`,
      {
        triggers: [
          { action: 'send_slack_message', config: { channel: '#sales', message: 'Deal {deal.name} moved' } },
        ],
      },
      asAdmin(),
    );
    expect(saved.body).toMatchObject({ success: true, triggers_count: 1 });

    const moved = await api.post(`/api/v1/deals/${deal.id}/move`, { stage_id: stages[1].id });
    expect(moved.status).toBe(200);
    expect(moved.body.stage_id).toBe(stages[1].id);

    const [message] = await slack.waitForMessages(1);
    expect(message.text).toContain(deal.name);
    const run = await waitFor(async () => (await runsOf(deal.id)).find((r: any) => r.status === 'succeeded'));
    expect(run).toMatchObject({ action: 'send_slack_message', stage_id: stages[1].id, attempts: 1 });
    const history = (await api.get(`/api/v1/deals/${deal.id}/history`)).body.data;
    expect(history.map((h: any) => [h.to_stage_id, h.reason])).toEqual([
      [stages[0].id, 'routing'],
      [stages[1].id, 'move'],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(slack.deliveredMessages()).toHaveLength(1);
  });

  it('sends an intent conflict to manual review, listed at /routing/manual-review', async () => {
    const email = `conflict-${randomUUID().slice(0, 8)}@acme-bio.com`;
    // co-creation 40 (/partnerships) against b2b 30 + 20 (/enterprise, ROI calculator): within 15 → conflict.
    for (const e of [
      event({
        event_type: 'page_visited',
        metadata: { page_path: '/partnerships' },
        lead_identifier: { email },
      }),
      event({
        event_type: 'page_visited',
        metadata: { page_path: '/enterprise' },
        lead_identifier: { email },
      }),
      event({ event_type: 'roi_calculator_submitted', metadata: {}, lead_identifier: { email } }),
    ]) {
      expect((await api.ingest(e)).status).toBe(202);
    }
    const lead = await waitFor(
      async () => {
        const found = await findLead(email);
        return found?.routing_status === 'manual_review' ? found : undefined;
      },
      { message: 'lead never went to manual review' },
    );
    expect(lead).toMatchObject({
      total_score: 44,
      intent_summary: { research: 0, b2b: 50, co_creation: 40 },
    });
    const review = await api.get('/api/v1/routing/manual-review?limit=200');
    expect(review.body.success).toBe(true);
    expect(review.body.data.map((l: any) => l.id)).toContain(lead.id);
    expect((await api.get(`/api/v1/deals?lead_id=${lead.id}`)).body.data).toEqual([]);
    const evaluated = await api.post(`/api/v1/routing/evaluate/${lead.id}`, undefined);
    expect(evaluated.body.data.routing_result).toEqual({ action: 'skip', reason: 'in_manual_review' });
  });

  it('assigns research leads round robin among the least-loaded BDRs of their region (3 BDRs: 2 DACH, 1 UK)', async () => {
    await freshTeam('bdr');
    const dachA = await teamMember({ role: 'bdr', region: 'DACH', name: 'DACH A' });
    const dachB = await teamMember({ role: 'bdr', region: 'DACH', name: 'DACH B' });
    const uk = await teamMember({ role: 'bdr', region: 'UK', name: 'UK' });
    const owners: string[] = [];
    // Academic email (fit 15 + 10, research 30) and a sample report (25 points, research 20): 50 points, research.
    for (const domain of ['med.uni-heidelberg.de', 'bio.uni-wien.at', 'cell.ac.uk', 'chem.uni-basel.ch']) {
      const email = `researcher-${randomUUID().slice(0, 8)}@${domain}`;
      expect(
        (await api.ingest(event({ event_type: 'sample_report_downloaded', lead_identifier: { email } })))
          .status,
      ).toBe(202);
      const lead = await routedLead(email);
      expect(lead).toMatchObject({ total_score: 50, primary_intent: 'research' });
      const [deal] = (await api.get(`/api/v1/deals?lead_id=${lead.id}`)).body.data;
      expect(deal.pipeline_name).toBe('Research Lab');
      owners.push(deal.assigned_to);
    }
    // The first two DACH leads go one to each DACH BDR, the UK lead to the UK BDR, the fourth (DACH, both at
    // one deal) to the DACH BDR whose turn is oldest: the first one.
    const [first, second, third, fourth] = owners;
    expect(new Set([first, second])).toEqual(new Set([dachA.id, dachB.id]));
    expect(third).toBe(uk.id);
    expect(fourth).toBe(first);
  });

  it('assigns b2b leads by capacity; closing a deal frees its owner for the next lead', async () => {
    await freshTeam('ae');
    const ae = await teamMember({ role: 'ae', name: 'Solo AE', max_leads: 1 });
    const dealOfNewBuyer = async () => {
      const email = `buyer-${randomUUID().slice(0, 8)}@acme-bio.com`;
      expect(
        (await api.ingest(event({ event_type: 'demo_requested', lead_identifier: { email } }))).status,
      ).toBe(202);
      const lead = await routedLead(email);
      return (await api.get(`/api/v1/deals?lead_id=${lead.id}`)).body.data[0];
    };
    const first = await dealOfNewBuyer();
    expect(first.assigned_to).toBe(ae.id);
    const second = await dealOfNewBuyer();
    expect(second.assigned_to).toBeNull();
    const team = await api.request('GET', `/api/v1/team/${ae.id}`, undefined, asAdmin());
    expect(team.body.current_leads).toBe(1);

    const b2b = await pipelineBySlug('b2b-lab-enablement');
    const lost = (await api.get(`/api/v1/pipelines/${b2b.id}/stages`)).body.data.find(
      (stage: any) => stage.stage_type === 'closed_lost',
    );
    const closed = await api.post(`/api/v1/deals/${first.id}/close`, {
      status: 'lost',
      close_reason: 'no budget',
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'lost', stage_id: lost.id, close_reason: 'no budget' });
    const third = await dealOfNewBuyer();
    expect(third.assigned_to).toBe(ae.id);
  });

  it('signs members in: the first registration is an active admin, a later one signs in once the admin approves it', async () => {
    const auth = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${system.gatewayUrl}/api/v1/auth/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (r.status === 204 ? null : await r.json()) as any }));
    const suffix = randomUUID().slice(0, 8);
    const first = await auth('register', {
      email: `Owner.${suffix}@dna-me.test`,
      password: 'a long password',
      name: 'Owner',
    });
    expect(first.status).toBe(201);
    expect(first.body.user).toMatchObject({ email: `owner.${suffix}@dna-me.test`, role: 'admin' });
    const asOwner = { authorization: `Bearer ${first.body.token}` };
    const me = await api.request('GET', '/api/v1/auth/me', undefined, asOwner);
    expect(me.body).toMatchObject({ id: first.body.user.id, role: 'admin', is_active: true });
    // The member is a real team member in leads.
    expect(
      (await api.request('GET', `/api/v1/team/${first.body.user.id}`, undefined, asOwner)).body,
    ).toMatchObject({
      role: 'admin',
      is_active: true,
    });

    const second = await auth('register', {
      email: `new.${suffix}@dna-me.test`,
      password: 'another password',
      name: 'New',
    });
    expect(second.body.user).toMatchObject({ role: 'bdr', is_active: false });
    const credentials = { email: `new.${suffix}@dna-me.test`, password: 'another password' };
    expect((await auth('login', credentials)).body.error.code).toBe('ACCOUNT_INACTIVE');
    const approved = await api.request(
      'POST',
      `/api/v1/team/${second.body.user.id}/activate`,
      undefined,
      asOwner,
    );
    expect(approved.status).toBe(200);
    const login = await auth('login', credentials);
    expect(login.status).toBe(200);
    const rotated = await auth('refresh', { refresh_token: login.body.refresh_token });
    expect(rotated.status).toBe(200);
    expect((await auth('refresh', { refresh_token: login.body.refresh_token })).status).toBe(401);
    expect(
      (await auth('logout', { all: true }, { authorization: `Bearer ${rotated.body.token}` })).status,
    ).toBe(204);
  });

  it('a marketing manager changes scoring rules over HTTP; every point stays explainable at /leads/:id/scores', async () => {
    const manager = { id: randomUUID(), email: 'marketing@dna-me.example', role: 'marketing_manager' };
    const asManager = { authorization: `Bearer ${memberAccessToken(manager)}` };
    const rule = {
      name: 'Poster session visited',
      rule_type: 'event',
      category: 'engagement',
      conditions: { event_type: 'poster_session_visited', metadata: { booth: { gte: 10 } } },
      points: 7,
      max_per_lead: 5,
    };
    expect((await api.post('/api/v1/scoring/rules', rule)).status).toBe(403);
    const unsafe = await api.post(
      '/api/v1/scoring/rules',
      {
        ...rule,
        rule_type: 'field',
        max_per_lead: 1,
        conditions: { field: 'email', operator: 'pattern', value: '^(a+)+$' },
      },
      asManager,
    );
    expect(unsafe.status).toBe(400);
    expect(unsafe.body.error.details.validation_errors).toEqual([
      expect.objectContaining({ path: 'conditions.value', code: 'isSafePattern' }),
    ]);

    const created = await api.post('/api/v1/scoring/rules', rule, asManager);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ slug: 'poster-session-visited', version: 1, points: 7 });
    const ruleId = created.body.id;

    const email = `poster+${randomUUID().slice(0, 8)}@acme-bio.com`;
    const posterVisit = (minutesAgo: number, booth: number) =>
      event({
        event_type: 'poster_session_visited',
        occurred_at: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
        metadata: { booth },
        lead_identifier: { email },
      });
    expect((await api.ingest(posterVisit(30, 12))).status).toBe(202);
    const lead = await waitFor(
      async () => {
        const found = await findLead(email);
        return found?.total_score === 17 ? found : undefined;
      },
      { message: 'the new rule never scored (7 + 10 fit)' },
    );

    const edited = await api.request('PATCH', `/api/v1/scoring/rules/${ruleId}`, { points: 11 }, asManager);
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, points: 11 });
    await api.ingest(posterVisit(20, 3)); // booth 3 does not match
    await api.ingest(posterVisit(10, 14));
    await waitFor(async () => (await findLead(email))?.total_score === 28, {
      message: 'the edit never applied',
    });

    const scores = await api.get(`/api/v1/leads/${lead.id}/scores`);
    expect(scores.status).toBe(200);
    expect(
      scores.body.data.map((r: any) => [
        r.rule_slug,
        r.rule_name,
        r.rule_version,
        r.points_change,
        r.new_total,
      ]),
    ).toEqual([
      // The fit row is dated when the lead appeared (now), after the visits (event time, 30 and 10 min ago).
      ['fit-corporate-email', 'Corporate email', 1, 10, 10],
      ['poster-session-visited', 'Poster session visited', 2, 11, 18],
      ['poster-session-visited', 'Poster session visited', 1, 7, 7],
    ]);
    const breakdown = await api.get(`/api/v1/scoring/leads/${lead.id}/breakdown`);
    expect(breakdown.body).toMatchObject({
      lead_id: lead.id,
      email,
      demographic: 10,
      engagement: 18,
      total: 28,
      history_count: 3,
    });

    const archived = await api.request('DELETE', `/api/v1/scoring/rules/${ruleId}`, undefined, asManager);
    expect(archived.status).toBe(204);
    // In stream order: the poster visit is scored before the page visit, so 30 means it added nothing.
    await api.ingest(posterVisit(5, 15));
    await api.ingest(event({ lead_identifier: { email } }));
    await waitFor(async () => (await findLead(email))?.total_score === 30, {
      message: 'page visit never scored',
    });
    const after = await api.get(`/api/v1/scoring/rules/${ruleId}`);
    expect(after.body).toMatchObject({
      version: 2,
      archived_at: expect.any(String),
      stats: { total_applications: 2, unique_leads: 1, total_points: 18 },
    });
    expect((await api.get(`/api/v1/leads/${randomUUID()}/scores`)).status).toBe(404);
  });

  it("an edited rule and a recalculation move a lead's tier; a 30-day rule's points expire in event time", async () => {
    const admin = { id: randomUUID(), email: 'admin@dna-me.example', role: 'admin' };
    const asAdmin = { authorization: `Bearer ${memberAccessToken(admin)}` };
    const created = await api.post(
      '/api/v1/scoring/rules',
      {
        name: 'Lab tour booked',
        rule_type: 'event',
        category: 'behavior',
        conditions: { event_type: 'lab_tour_booked' },
        points: 30,
      },
      asAdmin,
    );
    expect(created.status).toBe(201);
    // Free mail: no fit points, so the totals below are the rule's alone.
    const email = `tour+${randomUUID().slice(0, 8)}@gmail.com`;
    await api.ingest(event({ event_type: 'lab_tour_booked', lead_identifier: { email } }));
    const lead = await waitFor(async () => {
      const found = await findLead(email);
      return found?.total_score === 30 ? found : undefined;
    });
    expect(lead.score_tier).toBe('cold');

    const preview = await api.post(
      '/api/v1/scoring/rules/preview',
      { rule_id: created.body.id, rule: { points: 45 } },
      asAdmin,
    );
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ leads_changed: 1, tier_changes: { 'cold>warm': 1 } });
    // (The sample's email is scoring's copy of the profile, which may land a moment after the score.)
    expect(preview.body.sample).toEqual([
      expect.objectContaining({
        lead_id: lead.id,
        old_total: 30,
        new_total: 45,
        old_tier: 'cold',
        new_tier: 'warm',
      }),
    ]);
    expect((await findLead(email)).total_score).toBe(30); // a preview changes nothing
    const edited = await api.request(
      'PATCH',
      `/api/v1/scoring/rules/${created.body.id}`,
      { points: 45 },
      asAdmin,
    );
    expect(edited.body.version).toBe(2);
    const recalculated = await api.post(`/api/v1/scoring/leads/${lead.id}/recalculate`, undefined, asAdmin);
    expect(recalculated.status).toBe(200);
    expect(recalculated.body).toMatchObject({
      lead_id: lead.id,
      old_score: 30,
      new_scores: { total: 45, behavior: 45 },
      score_tier: 'warm',
      changed: true,
    });
    await waitFor(async () => (await findLead(email))?.score_tier === 'warm', {
      message: 'tier never moved',
    });
    const scores = await api.get(`/api/v1/leads/${lead.id}/scores`);
    expect(scores.body.data.map((r: any) => [r.rule_slug, r.rule_version, r.points_change])).toEqual([
      ['lab-tour-booked', 2, 45],
    ]);

    // A page visit (2 points, 30 days) whose 30 days end a few seconds from now, in event time.
    const visitor = `visit+${randomUUID().slice(0, 8)}@gmail.com`;
    const endsAt = Date.now() + 6_000;
    await api.ingest(
      event({
        occurred_at: new Date(endsAt - 30 * 86_400_000).toISOString(),
        lead_identifier: { email: visitor },
      }),
    );
    await waitFor(async () => (await findLead(visitor))?.total_score === 2, {
      message: 'visit never scored',
    });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, endsAt - Date.now() + 100)));
    const expiry = await api.post('/api/v1/scoring/expire', undefined, asAdmin);
    expect(expiry.status).toBe(202);
    const job = await waitFor(async () => {
      const { body } = await api.get(`/api/v1/scoring/jobs/${expiry.body.job_id}`);
      return body.status !== 'running' && body;
    });
    expect(job).toMatchObject({ kind: 'expiry', status: 'succeeded' });
    expect(job.progress.changed).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await findLead(visitor))?.total_score === 0, {
      message: 'points never expired',
    });
    const ledger = await api.get(`/api/v1/leads/${(await findLead(visitor)).id}/scores`);
    expect(ledger.body.data).toEqual([
      expect.objectContaining({ rule_slug: 'eng-page-visit', points_change: 2, expired: true, new_total: 0 }),
    ]);
  });

  it('stores and scores the same event_id once (duplicate answered 200)', async () => {
    const email = `dup-${randomUUID().slice(0, 8)}@acme-bio.com`;
    const body = event({
      event_id: `web-${randomUUID()}`,
      event_type: 'page_visited',
      metadata: { page_path: '/pricing' },
      lead_identifier: { email },
    });
    const first = await api.ingest(body);
    const second = await api.ingest(body);
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      duplicate: true,
      event_id: first.body.event_id,
      queued_at: first.body.queued_at,
    });

    const lead = await waitFor(async () => {
      const found = await findLead(email);
      return found?.total_score === 27 ? found : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await findLead(email)).total_score).toBe(27); // 2 + 15, once, + 10 fit (corporate email)
    const events = await sql(
      `SELECT count(*)::int AS n FROM leads.lead_events WHERE lead_id = $1 AND source <> 'crm'`,
      [lead.id],
    );
    expect(events[0].n).toBe(1);
  });

  it('rejects malformed ingest bodies with 400 and details, publishing nothing', async () => {
    const before = await ingestStreamCount();
    const valid = event({ lead_identifier: { email: 'x@acme-bio.com' } });
    const cases: [string, unknown, string][] = [
      ['missing identifier', { ...valid, lead_identifier: undefined }, 'lead_identifier'],
      ['empty identifier', { ...valid, lead_identifier: {} }, 'lead_identifier'],
      ['unknown source', { ...valid, source: 'carrier-pigeon' }, 'source'],
      ['bad date', { ...valid, occurred_at: '2026-13-45T25:00:00Z' }, 'occurred_at'],
      ['date without time', { ...valid, occurred_at: '2026-01-15' }, 'occurred_at'],
      ['wrong types', { ...valid, event_type: 42 }, 'event_type'],
      ['metadata not an object', { ...valid, metadata: 'nope' }, 'metadata'],
      ['oversized metadata', { ...valid, metadata: { blob: 'x'.repeat(70 * 1024) } }, 'metadata'],
    ];
    for (const [name, body, path] of cases) {
      const response = await api.ingest(body as Record<string, unknown>);
      expect({ name, status: response.status, code: response.body?.error?.code }).toEqual({
        name,
        status: 400,
        code: 'VALIDATION_ERROR',
      });
      const paths = response.body.error.details.validation_errors.map((e: { path: string }) => e.path);
      expect(paths.some((p: string) => p.startsWith(path))).toBe(true);
      expect(response.body.error.request_id).toEqual(expect.any(String));
    }
    expect(await ingestStreamCount()).toBe(before);
  });

  it('GDPR export, then erase (api.md §17): with scoring down the export is 503 naming it, the erase answers 202 and completes when scoring is back; afterwards no row anywhere holds the email, and the lead id only the anonymised lead and the erasure record', async () => {
    const email = `erase-me-${randomUUID().slice(0, 8)}@gdpr-lab.com`;
    const { lead, deal, stages } = await dealWithSlackTrigger(email);
    await api.post(`/api/v1/deals/${deal.id}/move`, { stage_id: stages[1].id });
    await waitFor(async () => (await runsOf(deal.id)).some((r: any) => r.status === 'succeeded'), {
      message: 'the stage trigger ran',
    });
    const runs = (await runsOf(deal.id)).length;
    const task = await api.post('/api/v1/tasks', { lead_id: lead.id, title: `Call ${email}` });
    expect(task.status).toBe(201);
    const deals = (await api.get(`/api/v1/deals?lead_id=${lead.id}`)).body.pagination.total;
    const tasks = (await api.get(`/api/v1/leads/${lead.id}/tasks`)).body.meta.count;
    expect(tasks).toBeGreaterThanOrEqual(2); // routing's first-contact task and ours
    const holding = async (needle: string) => {
      const tables = await sql<{ schema: string; table: string }>(
        `SELECT table_schema AS schema, table_name AS table FROM information_schema.tables
          WHERE table_schema IN ('gateway', 'leads', 'scoring', 'automation', 'slack', 'mailer') AND table_type = 'BASE TABLE'`,
      );
      const found: string[] = [];
      for (const { schema, table } of tables) {
        // The erasure's own messages name the lead id, and only that (they carry no personal data).
        const erasureMessage = table === 'outbox_message' ? `AND t.subject NOT LIKE '%.lead.erased.v1'` : '';
        const [{ n }] = await sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${schema}"."${table}" t WHERE t::text ILIKE $1 ${erasureMessage}`,
          [`%${needle}%`],
        );
        if (n > 0) found.push(`${schema}.${table}`);
      }
      return found.sort();
    };
    expect(await holding(email)).toEqual(
      expect.arrayContaining(['automation.trigger_runs', 'leads.leads', 'scoring.lead_profiles']),
    );
    expect(await holding(lead.id)).toEqual(
      expect.arrayContaining([
        'automation.trigger_runs',
        'leads.deals',
        'leads.tasks',
        'scoring.score_ledger',
      ]),
    );

    // Export first: one document with what every service holds (api.md §17, format 1.1).
    const exported = await api.request('GET', `/api/v1/gdpr/export/${lead.id}`, undefined, asAdmin());
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({
      export_format_version: '1.1',
      lead: { id: lead.id, email },
      organization: { domain: 'gdpr-lab.com' },
      integrations: { moco: { mappings: [] }, cituro: { customer_id: null, bookings: [] } },
      webhook_deliveries: 0,
    });
    expect(exported.body.events.length).toBeGreaterThan(0);
    expect(exported.body.score_history.length).toBeGreaterThan(0);
    expect(exported.body.deals).toHaveLength(deals);
    expect(exported.body.tasks).toHaveLength(tasks);
    expect(exported.body.stage_history.map((h: { deal_id: string }) => h.deal_id)).toContain(deal.id);
    expect(exported.body.trigger_runs.length).toBeGreaterThanOrEqual(runs);
    expect(exported.body.integrations.slack.messages).toBeGreaterThanOrEqual(1);
    expect(exported.body.integrations.mailer).toEqual({ emails: 0 });

    await system.crash('scoring');
    const partial = await api.request('GET', `/api/v1/gdpr/export/${lead.id}`, undefined, asAdmin());
    expect(partial.status).toBe(503);
    expect(partial.body.error).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      details: { missing: ['scoring'] },
    });
    const bdr = {
      authorization: `Bearer ${memberAccessToken({ id: randomUUID(), email: 'bdr@dna-me.test', role: 'bdr' })}`,
    };
    expect((await api.request('DELETE', `/api/v1/gdpr/delete/${lead.id}`, undefined, bdr)).status).toBe(403);
    const started = await api.request('DELETE', `/api/v1/gdpr/delete/${lead.id}`, undefined, asAdmin());
    expect(started.status).toBe(202);
    expect(started.body).toEqual({
      success: true,
      status: 'in_progress',
      erasure_id: expect.any(String),
      lead_id: lead.id,
    });
    const status = async () =>
      (await api.request('GET', `/api/v1/gdpr/erasures/${started.body.erasure_id}`, undefined, asAdmin()))
        .body;
    await waitFor(async () => (await status()).services.automation.status === 'completed', {
      message: 'automation confirmed',
    });
    expect(await status()).toMatchObject({
      status: 'in_progress',
      services: { leads: { status: 'completed' }, scoring: { status: 'pending', deleted_records: null } },
    });

    await system.startService('scoring');
    const done = await waitFor(
      async () => {
        const current = await status();
        return current.status === 'completed' ? current : undefined;
      },
      { timeoutMs: 30_000, message: 'erasure completed after scoring came back' },
    );
    expect(done.services.scoring.deleted_records.score_history).toBeGreaterThan(0);
    expect(done.services.automation.deleted_records.trigger_runs).toBeGreaterThanOrEqual(runs);
    expect(done.services.leads.deleted_records).toMatchObject({ deals, tasks });
    expect(done.services.mailer).toMatchObject({
      status: 'completed',
      deleted_records: { email_deliveries: 0 },
    });

    // Asking again answers the finished erasure: 200 with every count.
    const again = await api.request('DELETE', `/api/v1/gdpr/delete/${lead.id}`, undefined, asAdmin());
    expect(again.status).toBe(200);
    const anonymized = `deleted_${lead.id.replace(/-/g, '').slice(0, 12)}@anonymized.local`;
    expect(again.body).toEqual({
      success: true,
      message: expect.any(String),
      lead_id: lead.id,
      anonymized_email: anonymized,
      deleted_records: expect.objectContaining({
        deals: 1,
        tasks: 2,
        trigger_runs: 1,
        notes: 0,
        mappings: 0,
      }),
      deleted_at: done.completed_at,
    });
    expect(again.body.deleted_records.events).toBeGreaterThan(0);

    expect(await holding(email)).toEqual([]);
    expect(await holding(lead.id)).toEqual(['leads.erasures', 'leads.leads']);
    expect((await api.get(`/api/v1/leads/${lead.id}`)).body).toMatchObject({
      email: anonymized,
      first_name: '[GDPR_DELETED_FIRST_NAME]',
      last_name: '[GDPR_DELETED_LAST_NAME]',
      status: 'churned',
      routing_status: 'unrouted',
      total_score: 0,
      primary_intent: null,
    });
    expect((await api.get(`/api/v1/deals?lead_id=${lead.id}`)).body.data).toEqual([]);
  });

  it('waits out a Slack 429 Retry-After and posts once, the run succeeding', async () => {
    const { deal, stages } = await dealWithSlackTrigger(`ratelimit-${randomUUID().slice(0, 8)}@acme-bio.com`);
    slack.fail({ kind: 'rate_limit', retryAfterSeconds: 1, times: 1 });
    await api.post(`/api/v1/deals/${deal.id}/move`, { stage_id: stages[1].id });

    const run = await waitFor(
      async () => (await runsOf(deal.id)).find((r: any) => r.status === 'succeeded'),
      {
        timeoutMs: 20_000,
      },
    );
    expect(run.attempts).toBe(2);
    expect(slack.deliveredMessages()).toHaveLength(1);
    const [limited, delivered] = slack.received;
    expect(limited.status).toBe(429);
    expect(delivered.at.getTime() - limited.at.getTime()).toBeGreaterThanOrEqual(950);
  });

  it('fails the run with the vendor error after Slack 500s every attempt, and a retry via the API posts once', async () => {
    const { deal, stages } = await dealWithSlackTrigger(`outage-${randomUUID().slice(0, 8)}@acme-bio.com`);
    slack.fail({ kind: 'server_error', status: 500, body: 'rollup_error' });
    await api.post(`/api/v1/deals/${deal.id}/move`, { stage_id: stages[1].id });

    const failed = await waitFor(
      async () => (await runsOf(deal.id)).find((r: any) => r.status === 'failed'),
      {
        timeoutMs: 30_000,
      },
    );
    expect(failed.attempts).toBe(5);
    expect(failed.error.retryable).toBe(true);
    expect(`${failed.error.code} ${failed.error.message}`).toMatch(/500|rollup_error/);
    expect(slack.received.filter((r) => r.status === 500)).toHaveLength(5);
    expect(slack.deliveredMessages()).toHaveLength(0);

    slack.heal();
    const retried = await api.request('POST', `/api/v1/triggers/runs/${failed.id}/retry`, {}, asAdmin());
    expect(retried.status).toBe(202);
    const succeeded = await waitFor(async () => {
      const run = (await api.get(`/api/v1/triggers/runs/${failed.id}`)).body;
      return run.status === 'succeeded' ? run : undefined;
    });
    expect(succeeded.idempotency_key).toBe(failed.idempotency_key);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(slack.deliveredMessages()).toHaveLength(1);
  });

  it('a deal moved into a stage books, syncs and alerts once each: one Cituro customer, one email with the booking link, one MOCO company + deal, one Slack post; the signed booking webhook then moves the deal and makes a task; a subscriber gets deal.stage_changed signed per Standard Webhooks', async () => {
    const admin = asAdmin();
    const pipeline = await pipelineBySlug('b2b-lab-enablement');
    const stages = (await api.get(`/api/v1/pipelines/${pipeline.id}/stages`)).body.data;
    const [, proposalStage, consultationStage] = stages;
    const webhookSecret = 'whs_e2e_cituro_secret';
    const bookingUrl = 'https://dna-me.cituro.com/booking';
    const cituroConfig = await api.request(
      'PUT',
      '/api/v1/integrations/cituro/config',
      {
        api_key: FAKE_CITURO_API_KEY,
        base_url: cituro.url,
        webhook_secret: webhookSecret,
        booking_url: bookingUrl,
        enabled: true,
        booking_stage_by_pipeline: { [pipeline.id]: consultationStage.id },
      },
      admin,
    );
    expect(cituroConfig.status).toBe(200);
    const mocoConfig = await api.request(
      'PUT',
      '/api/v1/integrations/moco/config',
      { api_key: FAKE_MOCO_API_KEY, base_url: moco.baseUrl, enabled: true },
      admin,
    );
    expect(mocoConfig.status).toBe(200);
    const subscription = await api.request(
      'POST',
      '/api/v1/webhooks',
      { url: receiver.endpoint('/crm'), event_types: ['deal.stage_changed'] },
      admin,
    );
    expect(subscription.status).toBe(201);
    const saved = await api.request(
      'POST',
      `/api/v1/stages/${proposalStage.id}/triggers`,
      {
        triggers: [
          { action: 'send_cituro_booking', name: 'Invite to book', config: { email_subject: 'Ihr Termin' } },
          { action: 'create_moco_deal', name: 'Deal in MOCO', config: {} },
          {
            action: 'send_slack_message',
            name: 'Tell sales',
            config: { channel: '#sales', message: '{deal.name} → {stage.name}' },
          },
        ],
      },
      admin,
    );
    expect(saved.status).toBe(200);

    const email = `chain-${randomUUID().slice(0, 8)}@acme-bio.com`;
    await api.ingest(
      event({
        event_type: 'demo_requested',
        lead_identifier: { email },
        metadata: { first_name: 'Greta', last_name: 'Berg' },
      }),
    );
    const lead = await routedLead(email);
    const [deal] = (await api.get(`/api/v1/deals?lead_id=${lead.id}&pipeline_id=${pipeline.id}`)).body.data;
    const moved = await api.post(`/api/v1/deals/${deal.id}/move`, { stage_id: proposalStage.id });
    expect(moved.status).toBe(200);

    const runs = await waitFor(
      async () => {
        const all = await runsOf(deal.id);
        return all.length === 3 && all.every((r: any) => r.status === 'succeeded') ? all : undefined;
      },
      { timeoutMs: 30_000, message: 'three runs succeeded' },
    );
    const byAction = Object.fromEntries(runs.map((r: any) => [r.action, r]));
    expect(byAction.create_moco_deal.result).toMatchObject({
      moco_company_id: expect.any(Number),
      moco_deal_id: expect.any(Number),
    });
    expect(byAction.send_cituro_booking.result).toMatchObject({ cituro_customer_id: expect.any(String) });

    const [invitation] = await smtp.waitForEmails(1);
    expect(invitation.to).toEqual([email]);
    expect(invitation.subject).toBe('Ihr Termin');
    expect(invitation.html).toContain(bookingUrl);
    await slack.waitForMessages(1);
    // Nothing arrives twice, however long one waits.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(smtp.received).toHaveLength(1);
    expect(slack.deliveredMessages()).toHaveLength(1);
    expect(slack.deliveredMessages()[0].text).toBe(`${deal.name} → ${proposalStage.name}`);
    const customers = cituro.customers().filter((c) => c.email === email);
    expect(customers).toHaveLength(1);
    expect(moco.records('companies')).toHaveLength(1);
    expect(moco.records('deals')).toHaveLength(1);
    expect(moco.records('deals')[0]).toMatchObject({ name: deal.name });

    // The lead books: Cituro's signed webhook moves the deal into the consultation stage and tasks the owner.
    const booked = await sendCituroWebhook({
      url: `${system.gatewayUrl}/api/webhooks/cituro`,
      secret: webhookSecret,
      body: {
        eventId: randomUUID(),
        type: 'booking.created',
        data: { booking: { customerId: customers[0].id }, appointment: { startDate: '2026-12-10T10:00:00' } },
      },
    });
    expect(booked.status).toBe(200);
    const atConsultation = await waitFor(
      async () => {
        const current = (await api.get(`/api/v1/deals/${deal.id}`)).body;
        const view = current.data ?? current;
        return view.stage_id === consultationStage.id ? view : undefined;
      },
      { message: 'deal moved by the booking' },
    );
    expect(atConsultation.stage_id).toBe(consultationStage.id);
    const tasks = await waitFor(async () => {
      const list = (await api.get(`/api/v1/deals/${deal.id}/tasks`)).body.data;
      return list.some((t: any) => t.title === 'Meeting booked via Cituro') ? list : undefined;
    });
    expect(tasks.filter((t: any) => t.title === 'Meeting booked via Cituro')).toHaveLength(1);

    // The outbound subscriber got both moves, signed as Standard Webhooks specifies.
    const secret = subscription.body.secret as string;
    const deliveries = await waitFor(
      async () => {
        const mine = receiver.requestsTo('/crm').filter((r) => (r.body as any)?.data?.deal_id === deal.id);
        return mine.length >= 2 ? mine : undefined;
      },
      { timeoutMs: 20_000, message: 'two deal.stage_changed deliveries' },
    );
    for (const delivery of deliveries) {
      const id = String(delivery.headers['webhook-id']);
      const timestamp = String(delivery.headers['webhook-timestamp']);
      const expected = createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'))
        .update(`${id}.${timestamp}.${delivery.rawBody}`)
        .digest('base64');
      expect(delivery.signatures).toContain(`v1,${expected}`);
      expect((delivery.body as any).type).toBe('deal.stage_changed');
    }
    expect(deliveries.map((d) => (d.body as any).data.to_stage_id).sort()).toEqual(
      [proposalStage.id, consultationStage.id].sort(),
    );
  });

  it('executes an action by hand (api.md §9): a dry run shows the MOCO payload and calls nothing, a real Slack post answers 200 succeeded, bad contexts are 400/404', async () => {
    const admin = asAdmin();
    const { deal } = await dealWithSlackTrigger(`manual-${randomUUID().slice(0, 8)}@acme-bio.com`);
    const mocoRequestsBefore = moco.received.length;

    const dry = await api.request(
      'POST',
      '/api/v1/triggers/execute',
      { action: 'create_moco_deal', config: {}, context: { deal_id: deal.id }, dry_run: true },
      admin,
    );
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      success: true,
      action: 'create_moco_deal',
      status: 'succeeded',
      dry_run: true,
    });
    expect(dry.body.result.would_send).toEqual([
      {
        service: 'moco',
        operation: 'create_deal',
        payload: expect.objectContaining({
          operation: 'create_deal',
          deal: expect.objectContaining({ id: deal.id, name: deal.name }),
          lead: expect.objectContaining({ id: deal.lead_id }),
        }),
      },
    ]);
    const dryRun = (await api.get(`/api/v1/triggers/runs/${dry.body.run_id}`)).body;
    expect(dryRun).toMatchObject({ source: 'manual', dry_run: true, trigger_id: null, deal_id: deal.id });

    const posted = await api.request(
      'POST',
      '/api/v1/triggers/execute',
      {
        action: 'send_slack_message',
        config: { channel: '#sales', message: 'Manual nudge for {deal.name}' },
        context: { deal_id: deal.id },
      },
      admin,
    );
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ success: true, status: 'succeeded', dry_run: false });
    // An incoming webhook answers no `ts` (only bot mode does).
    expect(posted.body.result).toEqual({ channel: '#sales', slack_ts: null });
    expect(slack.deliveredMessages().map((m) => m.text)).toEqual([`Manual nudge for ${deal.name}`]);
    expect(moco.received.length).toBe(mocoRequestsBefore);

    const noDeal = await api.request(
      'POST',
      '/api/v1/triggers/execute',
      { action: 'create_moco_offer', config: {}, context: {} },
      admin,
    );
    expect(noDeal.status).toBe(400);
    expect(noDeal.body.error.details.validation_errors[0].path).toBe('context.deal_id');
    const badConfig = await api.request(
      'POST',
      '/api/v1/triggers/execute',
      { action: 'send_slack_message', config: { channel: '#sales' }, context: {} },
      admin,
    );
    expect(badConfig.status).toBe(400);
    const unknownDeal = await api.request(
      'POST',
      '/api/v1/triggers/execute',
      { action: 'create_task', config: { title_template: 'x' }, context: { deal_id: randomUUID() } },
      admin,
    );
    expect(unknownDeal.status).toBe(404);
    const asMember = await api.request(
      'POST',
      '/api/v1/triggers/execute',
      { action: 'send_slack_message', config: { channel: '#sales', message: 'x' }, context: {} },
      {
        authorization: `Bearer ${memberAccessToken({ id: randomUUID(), email: 'bdr@dna-me.test', role: 'bdr' })}`,
      },
    );
    expect(asMember.status).toBe(403);
  });
});
