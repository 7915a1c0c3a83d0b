import { randomUUID } from 'node:crypto';
import {
  Queries,
  Subjects,
  type DealView,
  type Intent,
  type LeadManualReviewV1,
  type LeadRoutedV1,
  type DealCreatedV1,
  type Subject,
  type TaskChangedV1,
  type LeadView,
  type PipelineView,
  type RoutingConfigView,
  type RoutingResult,
  type RoutingStatsView,
  type StageView,
  type TeamMemberView,
} from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { RoutingService } from '../src/routing/routing.service';
import { LeadsTestApp } from './support/leads-test-app';

const ADMIN = { type: 'user', id: randomUUID(), name: 'admin@dna-me.example' };
type Summary = { research: number; b2b: number; co_creation: number };

/**
 * Routing on the real service: scores arrive as scoring publishes them, routing runs from the queued
 * evaluation, and the tests read deals, tasks and published events back. Each test starts from a team of its
 * own (every earlier member deactivated), since owners are picked among all active members of a role.
 */
describe('leads: routing (api.md §11, real PostgreSQL + NATS)', () => {
  const app = new LeadsTestApp();
  const unique = () => randomUUID().slice(0, 8);
  let pipelines: PipelineView[];
  let versions = new Map<string, number>();

  beforeAll(async () => {
    await app.start();
    pipelines = (await app.call<{ data: PipelineView[] }>(Queries.LeadsListPipelines, {})).data;
  });
  afterAll(() => app.stop());
  beforeEach(async () => {
    await app.sql(`UPDATE leads.team_members SET is_active = false`);
    versions = new Map();
  });

  const pipeline = (slug: string) => pipelines.find((p) => p.slug === slug)!;
  const stagesOf = async (slug: string) =>
    (await app.call<{ data: StageView[] }>(Queries.LeadsListStages, { id: pipeline(slug).id })).data;

  const member = async (body: Record<string, unknown>) =>
    app.call<TeamMemberView>(Queries.LeadsCreateTeamMember, {
      actor: ADMIN,
      body: { name: `Member ${unique()}`, email: `m.${unique()}@dna-me.example`, ...body },
    });

  const newLead = async (email = `lead.${unique()}@pharma-${unique()}.com`): Promise<string> => {
    await app.ingest(app.ingestEvent({ lead_identifier: { email } }));
    const [lead] = await app.sql<{ id: string }>(`SELECT id FROM leads.leads WHERE lower(email) = $1`, [
      email.toLowerCase(),
    ]);
    return lead.id;
  };

  /** Publishes the lead's next score as scoring would, with its intent. */
  const score = async (
    leadId: string,
    total: number,
    intent: Intent | null,
    summary: Summary,
    confidence: number | null,
  ) => {
    const version = (versions.get(leadId) ?? 0) + 1;
    versions.set(leadId, version);
    await app.score({
      lead_id: leadId,
      version,
      scores: { demographic: 10, engagement: 4, behavior: total - 14, total },
      previous_total: 0,
      tier: total >= 80 ? 'very_hot' : total >= 60 ? 'hot' : total >= 40 ? 'warm' : 'cold',
      previous_tier: 'cold',
      tier_changed: true,
      reason: 'event',
      event_id: null,
      points_applied: total,
      scored_at: new Date().toISOString(),
      intent: {
        primary_intent: intent,
        intent_confidence: confidence,
        intent_summary: summary,
        conflict: false,
      },
    });
  };
  const b2bScore = (leadId: string, total = 94) =>
    score(leadId, total, 'b2b', { research: 0, b2b: 110, co_creation: 0 }, 100);
  const researchScore = (leadId: string) =>
    score(leadId, 60, 'research', { research: 75, b2b: 0, co_creation: 0 }, 100);

  const leadRow = async (id: string) =>
    (
      await app.sql<{
        routing_status: string;
        pipeline_id: string | null;
        manual_review_reason: string | null;
      }>(`SELECT routing_status, pipeline_id, manual_review_reason FROM leads.leads WHERE id = $1`, [id])
    )[0];
  const waitRouted = (id: string) =>
    waitFor(async () => (await leadRow(id)).routing_status !== 'unrouted', { message: `lead ${id} routed` });
  const openDeals = (leadId: string) =>
    app.sql<{ id: string; pipeline_id: string; stage_id: string; assigned_to: string | null }>(
      `SELECT id, pipeline_id, stage_id, assigned_to FROM leads.deals WHERE lead_id = $1 AND status = 'open'`,
      [leadId],
    );
  const ownerOf = async (leadId: string) => (await openDeals(leadId))[0]?.assigned_to ?? null;
  const evaluate = (leadId: string) =>
    app.call<{ lead_id: string; routing_result: RoutingResult }>(Queries.LeadsEvaluateRouting, {
      actor: ADMIN,
      lead_id: leadId,
    });
  const routedEvents = async (leadId: string) =>
    (await app.streamMessages<LeadRoutedV1>('LEADS', Subjects.LeadRouted)).filter(
      (m) => m.data.lead_id === leadId,
    );
  const reviewEvents = async (leadId: string) =>
    (await app.streamMessages<LeadManualReviewV1>('LEADS', Subjects.LeadManualReview)).filter(
      (m) => m.data.lead_id === leadId,
    );

  it('routes a b2b lead past the gate into B2B Lab Enablement / Initial Contact, owned by the least-loaded AE, with a first-contact task and lead.routed', async () => {
    const busy = await member({ role: 'ae', max_leads: 10 });
    const free = await member({ role: 'ae', max_leads: 10 });
    const earlier = await newLead();
    await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: ADMIN,
      body: { lead_id: earlier, pipeline_id: pipeline('research-lab').id, assigned_to: busy.id },
    });

    const leadId = await newLead(`anna.${unique()}@biolab-${unique()}.com`);
    await b2bScore(leadId);
    await waitRouted(leadId);

    const [initialContact] = await stagesOf('b2b-lab-enablement');
    const [deal] = await openDeals(leadId);
    expect(deal).toEqual({
      id: expect.any(String),
      pipeline_id: pipeline('b2b-lab-enablement').id,
      stage_id: initialContact.id,
      assigned_to: free.id,
    });
    expect(await leadRow(leadId)).toEqual({
      routing_status: 'routed',
      pipeline_id: pipeline('b2b-lab-enablement').id,
      manual_review_reason: null,
    });
    const tasks = await app.sql(
      `SELECT title, task_type, assigned_to_id, priority, status, deal_id FROM leads.tasks WHERE lead_id = $1`,
      [leadId],
    );
    expect(tasks).toEqual([
      {
        title: expect.stringMatching(/^First contact: anna\./),
        task_type: 'first_contact',
        assigned_to_id: free.id,
        priority: 'critical',
        status: 'open',
        deal_id: deal.id,
      },
    ]);
    // The owner's workload counts the deal and its first-contact task.
    const workload = await app.call<{ workload: { open_deals: number; open_tasks: number } }>(
      Queries.LeadsTeamWorkload,
      { id: free.id },
    );
    expect(workload.workload).toMatchObject({ open_deals: 1, open_tasks: 1 });
    const history = await app.sql(
      `SELECT reason, moved_by_type FROM leads.deal_stage_history WHERE deal_id = $1`,
      [deal.id],
    );
    expect(history).toEqual([{ reason: 'routing', moved_by_type: 'system' }]);
    await waitFor(async () => (await routedEvents(leadId)).length === 1, {
      message: 'lead.routed published',
    });
    expect((await routedEvents(leadId))[0].data).toMatchObject({
      pipeline_slug: 'b2b-lab-enablement',
      pipeline_name: 'B2B Lab Enablement',
      deal_id: deal.id,
      assigned_to: free.id,
      assigned_to_email: free.email,
      primary_intent: 'b2b',
      intent_confidence: 100,
      total_score: 94,
      routed_by: 'auto',
    });
    // Routing's deal and task are announced like any other (api.md §19).
    const ofLead = async <T extends { lead_id: string | null }>(subject: Subject) =>
      (await app.streamMessages<T>('LEADS', subject)).filter((m) => m.data.lead_id === leadId);
    expect((await ofLead<DealCreatedV1>(Subjects.DealCreated)).map((m) => m.data)).toEqual([
      expect.objectContaining({ deal_id: deal.id, assigned_to: free.id, stage_id: initialContact.id }),
    ]);
    expect((await ofLead<TaskChangedV1>(Subjects.TaskCreated)).map((m) => m.data)).toEqual([
      expect.objectContaining({ deal_id: deal.id, task_type: 'first_contact', created_by: 'routing' }),
    ]);
  });

  it('never re-routes a routed lead: a new score with another intent, and evaluation, leave it where it is', async () => {
    await member({ role: 'ae' });
    await member({ role: 'bdr' });
    const leadId = await newLead();
    await b2bScore(leadId);
    await waitRouted(leadId);
    await score(leadId, 120, 'research', { research: 200, b2b: 0, co_creation: 0 }, 100);
    expect((await evaluate(leadId)).routing_result).toEqual({ action: 'skip', reason: 'already_routed' });
    expect((await openDeals(leadId)).map((d) => d.pipeline_id)).toEqual([pipeline('b2b-lab-enablement').id]);
    expect(await routedEvents(leadId)).toHaveLength(1);
  });

  it('keeps a lead below the gate or without a confident intent in the pool, and says why', async () => {
    await member({ role: 'ae' });
    const low = await newLead();
    await score(low, 39, 'b2b', { research: 0, b2b: 110, co_creation: 0 }, 100);
    expect((await evaluate(low)).routing_result).toEqual({ action: 'skip', reason: 'score_below_threshold' });

    const unsure = await newLead();
    await score(unsure, 50, 'b2b', { research: 0, b2b: 25, co_creation: 0 }, 59);
    expect((await evaluate(unsure)).routing_result).toEqual({
      action: 'wait',
      reason: 'insufficient_confidence',
      days_in_pool: 0,
    });
    expect(await leadRow(unsure)).toMatchObject({ routing_status: 'unrouted' });
    expect(await openDeals(unsure)).toEqual([]);
    expect(
      await app.request(Queries.LeadsEvaluateRouting, { actor: ADMIN, lead_id: randomUUID() }),
    ).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
  });

  it('sends an intent conflict to manual review with lead.manual_review, and leaves it there', async () => {
    await member({ role: 'ae' });
    const leadId = await newLead();
    await score(leadId, 70, 'b2b', { research: 50, b2b: 60, co_creation: 0 }, 64);
    await waitRouted(leadId);
    expect(await leadRow(leadId)).toEqual({
      routing_status: 'manual_review',
      pipeline_id: null,
      manual_review_reason: 'intent_conflict',
    });
    await waitFor(async () => (await reviewEvents(leadId)).length === 1, {
      message: 'lead.manual_review published',
    });
    expect((await reviewEvents(leadId))[0].data).toMatchObject({
      reason: 'intent_conflict',
      intent_summary: { research: 50, b2b: 60, co_creation: 0 },
      total_score: 70,
      days_in_pool: 0,
    });
    await b2bScore(leadId, 100);
    expect((await evaluate(leadId)).routing_result).toEqual({ action: 'skip', reason: 'in_manual_review' });
    expect(await openDeals(leadId)).toEqual([]);

    const review = await app.call<LeadView[]>(Queries.LeadsListManualReview, { limit: 200 });
    expect(review.map((l) => l.id)).toContain(leadId);
  });

  it('sends leads stuck in the pool past max_unrouted_days to manual review once, and not those below the gate', async () => {
    const stuck = await newLead();
    const cold = await newLead();
    const fresh = await newLead();
    await score(stuck, 50, null, { research: 0, b2b: 0, co_creation: 0 }, null);
    await score(cold, 20, null, { research: 0, b2b: 0, co_creation: 0 }, null);
    await score(fresh, 50, null, { research: 0, b2b: 0, co_creation: 0 }, null);
    await app.sql(
      `UPDATE leads.leads SET created_at = now() - interval '15 days' WHERE id = ANY($1::uuid[])`,
      [[stuck, cold]],
    );
    const routing = app.nest.get(RoutingService);
    expect(await routing.sweepStuckLeads()).toBeGreaterThanOrEqual(1);
    expect(await routing.sweepStuckLeads()).toBe(0);
    expect(await leadRow(stuck)).toMatchObject({
      routing_status: 'manual_review',
      manual_review_reason: 'stuck_in_pool',
    });
    expect(await leadRow(cold)).toMatchObject({ routing_status: 'unrouted' });
    expect(await leadRow(fresh)).toMatchObject({ routing_status: 'unrouted' });
    await waitFor(async () => (await reviewEvents(stuck)).length === 1, { message: 'stuck lead published' });
    expect((await reviewEvents(stuck))[0].data).toMatchObject({ reason: 'stuck_in_pool', days_in_pool: 15 });
  });

  it('assigns research leads round robin among the least-loaded BDRs of their region (DACH, UK, else any)', async () => {
    const dach1 = await member({ role: 'bdr', region: 'DACH' });
    const dach2 = await member({ role: 'bdr', region: 'DACH' });
    const uk = await member({ role: 'bdr', region: 'UK' });
    const owners: Record<string, string | null> = {};
    for (const email of [
      `a.${unique()}@uni-heidelberg.de`,
      `b.${unique()}@lab-${unique()}.de`,
      `c.${unique()}@lab-${unique()}.at`,
      `d.${unique()}@lab-${unique()}.ch`,
      `e.${unique()}@lab-${unique()}.co.uk`,
    ]) {
      const leadId = await newLead(email);
      await researchScore(leadId);
      await waitRouted(leadId);
      owners[email.split('@')[1].split('.').pop()! + ':' + email[0]] = await ownerOf(leadId);
    }
    // Four DACH leads alternate between the two DACH BDRs; the UK lead goes to the UK BDR.
    const dachOwners = ['de:a', 'de:b', 'at:c', 'ch:d'].map((k) => owners[k]);
    expect(dachOwners.filter((o) => o === dach1.id)).toHaveLength(2);
    expect(dachOwners.filter((o) => o === dach2.id)).toHaveLength(2);
    expect(dachOwners[0]).not.toBe(dachOwners[1]);
    expect(owners['uk:e']).toBe(uk.id);
    // A lead of no region goes to the least loaded of all: the UK BDR has one deal, the others two.
    const anywhere = await newLead(`f.${unique()}@lab-${unique()}.com`);
    await researchScore(anywhere);
    await waitRouted(anywhere);
    expect(await ownerOf(anywhere)).toBe(uk.id);
  });

  it('assigns b2b leads by capacity; a full team leaves the deal unassigned; closing a deal frees the slot', async () => {
    const small = await member({ role: 'ae', max_leads: 1 });
    const large = await member({ role: 'ae', max_leads: 3 });
    const owners: (string | null)[] = [];
    const leads: string[] = [];
    for (let i = 0; i < 5; i++) {
      const leadId = await newLead();
      leads.push(leadId);
      await b2bScore(leadId);
      await waitRouted(leadId);
      owners.push(await ownerOf(leadId));
    }
    // Equal shares go to the member with more free slots; the fifth lead finds no room.
    expect(owners.filter((o) => o === small.id)).toHaveLength(1);
    expect(owners.filter((o) => o === large.id)).toHaveLength(3);
    expect(owners[4]).toBeNull();
    const fifth = await routedEvents(leads[4]);
    expect(fifth[0]?.data).toMatchObject({ assigned_to: null, assigned_to_email: null });

    // Closing the small AE's deal (Lost) frees its one slot for the next lead.
    const smallDeal = (await openDeals(leads[owners.indexOf(small.id)]))[0];
    const lost = (await stagesOf('b2b-lab-enablement')).find((s) => s.stage_type === 'closed_lost')!;
    await app.call<DealView>(Queries.LeadsMoveDeal, {
      actor: ADMIN,
      deal_id: smallDeal.id,
      body: { stage_id: lost.id },
    });
    const next = await newLead();
    await b2bScore(next);
    await waitRouted(next);
    expect(await ownerOf(next)).toBe(small.id);
  });

  it('never lets two leads routed at the same moment both take the last free slot of a member', async () => {
    const only = await member({ role: 'ae', max_leads: 1 });
    for (let round = 0; round < 5; round++) {
      await app.sql(`UPDATE leads.deals SET status = 'lost' WHERE assigned_to = $1 AND status = 'open'`, [
        only.id,
      ]);
      const pair = [await newLead(), await newLead()];
      // Past the gate without a score message (which would queue evaluations): two evaluations, each in its own
      // transaction, race for the one free slot.
      await app.sql(
        `UPDATE leads.leads SET total_score = 94, primary_intent = 'b2b', intent_confidence = 100,
                intent_summary = '{"research":0,"b2b":110,"co_creation":0}' WHERE id = ANY($1::uuid[])`,
        [pair],
      );
      const results = await Promise.all(pair.map((id) => evaluate(id)));
      expect(results.map((r) => r.routing_result.action)).toEqual(['routed', 'routed']);
      const owners = await Promise.all(pair.map((id) => ownerOf(id)));
      expect(owners.filter((o) => o === only.id)).toHaveLength(1);
      expect(owners.filter((o) => o === null)).toHaveLength(1);
      const [{ n }] = await app.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM leads.deals WHERE assigned_to = $1 AND status = 'open'`,
        [only.id],
      );
      expect(n).toBe(1);
    }
  });

  it('shares one batch of evaluations out as if routed one by one (round robin and capacity in one transaction)', async () => {
    const [a, b] = [await member({ role: 'bdr' }), await member({ role: 'bdr' })];
    const ae = await member({ role: 'ae', max_leads: 2 });
    const research = [await newLead(), await newLead(), await newLead(), await newLead()];
    const b2b = [await newLead(), await newLead(), await newLead()];
    await app.sql(
      `UPDATE leads.leads SET total_score = 60, primary_intent = 'research', intent_confidence = 100,
              intent_summary = '{"research":75,"b2b":0,"co_creation":0}' WHERE id = ANY($1::uuid[])`,
      [research],
    );
    await app.sql(
      `UPDATE leads.leads SET total_score = 94, primary_intent = 'b2b', intent_confidence = 100,
              intent_summary = '{"research":0,"b2b":110,"co_creation":0}' WHERE id = ANY($1::uuid[])`,
      [b2b],
    );
    const results = await app.nest.get(RoutingService).evaluateMany([...research, ...b2b, randomUUID()]);
    expect([...results.values()].filter((r) => r.action === 'routed')).toHaveLength(7);
    const researchOwners = await Promise.all(research.map(ownerOf));
    expect(researchOwners.filter((o) => o === a.id)).toHaveLength(2);
    expect(researchOwners.filter((o) => o === b.id)).toHaveLength(2);
    const b2bOwners = await Promise.all(b2b.map(ownerOf));
    expect(b2bOwners.filter((o) => o === ae.id)).toHaveLength(2);
    expect(b2bOwners.filter((o) => o === null)).toHaveLength(1);
    const tasks = await app.sql(
      `SELECT count(*)::int AS n FROM leads.tasks WHERE lead_id = ANY($1::uuid[])`,
      [[...research, ...b2b]],
    );
    expect(tasks).toEqual([{ n: 7 }]);
  });

  it('routes co-creation leads into Panel Co-Creation without an owner: a person assigns one', async () => {
    await member({ role: 'partnership_manager' });
    const leadId = await newLead();
    await score(leadId, 80, 'co_creation', { research: 0, b2b: 0, co_creation: 95 }, 100);
    await waitRouted(leadId);
    const [deal] = await openDeals(leadId);
    expect(deal).toMatchObject({ pipeline_id: pipeline('panel-co-creation').id, assigned_to: null });
  });

  it('routes by hand: past the gate, owner by email, an existing open deal keeps its stage; bad input changes nothing', async () => {
    const bdr = await member({ role: 'bdr', region: 'DACH' });
    const ae = await member({ role: 'ae' });
    const leadId = await newLead();
    const route = (body: Record<string, unknown>, lead = leadId) =>
      app.request<{ lead: LeadView; routing_result: RoutingResult }>(Queries.LeadsRouteManually, {
        actor: ADMIN,
        lead_id: lead,
        body,
      });
    const research = pipeline('research-lab');

    const first = await route({ pipeline_id: research.id, assigned_to: bdr.email.toUpperCase() });
    expect(first).toMatchObject({
      ok: true,
      data: {
        lead: { id: leadId, routing_status: 'routed', pipeline_id: research.id },
        routing_result: {
          action: 'routed',
          reason: 'manual',
          assigned_to: bdr.id,
          pipeline_name: 'Research Lab',
        },
      },
    });
    const [deal] = await openDeals(leadId);
    const stages = await stagesOf('research-lab');
    await app.call(Queries.LeadsMoveDeal, {
      actor: ADMIN,
      deal_id: deal.id,
      body: { stage_id: stages[2].id },
    });
    const again = await route({ pipeline_id: research.id, assigned_to: ae.id });
    expect(again).toMatchObject({
      ok: true,
      data: { routing_result: { deal_id: deal.id, assigned_to: ae.id } },
    });
    expect(await openDeals(leadId)).toEqual([{ ...deal, stage_id: stages[2].id, assigned_to: ae.id }]);
    const events = await waitFor(
      async () => {
        const found = await routedEvents(leadId);
        return found.length === 2 ? found : null;
      },
      { message: 'two lead.routed' },
    );
    expect(events.map((e) => e.data.routed_by)).toEqual(['manual', 'manual']);

    expect(await route({ pipeline_id: randomUUID() })).toMatchObject({ ok: false, error: { status: 404 } });
    expect(await route({ pipeline_id: research.id }, randomUUID())).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
    expect(await route({ pipeline_id: research.id, assigned_to: 'nobody@nowhere.example' })).toMatchObject({
      ok: false,
      error: { status: 400, details: { validation_errors: [{ path: 'body.assigned_to' }] } },
    });
    expect(await route({ pipeline_id: 'not-a-uuid' })).toMatchObject({ ok: false, error: { status: 400 } });
    const otherStage = (await stagesOf('b2b-lab-enablement'))[0];
    expect(await route({ pipeline_id: pipeline('discovery').id, stage_id: otherStage.id })).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
    const coCreation = pipeline('panel-co-creation');
    await app.sql(`UPDATE leads.pipelines SET is_active = false WHERE id = $1`, [coCreation.id]);
    try {
      expect(await route({ pipeline_id: coCreation.id })).toMatchObject({
        ok: false,
        error: { status: 422, code: 'BUSINESS_LOGIC_ERROR' },
      });
    } finally {
      await app.sql(`UPDATE leads.pipelines SET is_active = true WHERE id = $1`, [coCreation.id]);
    }
    expect(await openDeals(leadId)).toHaveLength(1);
  });

  it('serves and edits the routing config; routing follows an edited intent mapping', async () => {
    const defaults = await app.call<RoutingConfigView>(Queries.LeadsGetRoutingConfig, {});
    expect(defaults).toMatchObject({
      min_score_threshold: 40,
      min_intent_confidence: 60,
      intent_confidence_margin: 15,
      max_unrouted_days: 14,
      fallback_pipeline: 'discovery',
      intent_to_pipeline: {
        research: 'research-lab',
        b2b: 'b2b-lab-enablement',
        co_creation: 'panel-co-creation',
      },
      owner_assignment: {
        research: { role: 'bdr', strategy: 'round_robin', region_aware: true },
        b2b: { role: 'ae', strategy: 'capacity' },
        co_creation: { role: 'partnership_manager', strategy: 'manual' },
      },
    });
    const update = (body: Record<string, unknown>) =>
      app.request<RoutingConfigView>(Queries.LeadsUpdateRoutingConfig, { actor: ADMIN, body });
    expect(await update({ intent_to_pipeline: { research: 'no-such-pipeline' } })).toMatchObject({
      ok: false,
      error: { status: 400, details: { validation_errors: [{ path: 'body.intent_to_pipeline.research' }] } },
    });
    expect(await update({ owner_assignment: { b2b: { role: 'boss', strategy: 'capacity' } } })).toMatchObject(
      {
        ok: false,
        error: { status: 400 },
      },
    );
    expect(await update({ min_score_threshold: -1 })).toMatchObject({ ok: false, error: { status: 400 } });
    expect(await app.call(Queries.LeadsGetRoutingConfig, {})).toEqual(defaults);

    try {
      const changed = await update({ intent_to_pipeline: { b2b: 'research-lab' }, min_score_threshold: 30 });
      expect(changed).toMatchObject({
        ok: true,
        data: {
          min_score_threshold: 30,
          intent_to_pipeline: { b2b: 'research-lab', research: 'research-lab' },
        },
      });
      await member({ role: 'ae' });
      const leadId = await newLead();
      await b2bScore(leadId, 35);
      await waitRouted(leadId);
      expect((await openDeals(leadId))[0].pipeline_id).toBe(pipeline('research-lab').id);
    } finally {
      // Through the service, which drops its cached copy at once (an SQL edit would show within a second).
      await update({ intent_to_pipeline: { b2b: 'b2b-lab-enablement' }, min_score_threshold: 40 });
    }
  });

  it('queues a batch re-evaluation, one command per lead, and reports stats and the pool', async () => {
    await member({ role: 'ae' });
    const a = await newLead();
    const b = await newLead();
    await app.sql(
      `UPDATE leads.leads SET total_score = 90, primary_intent = 'b2b', intent_confidence = 100,
              intent_summary = '{"research":0,"b2b":110,"co_creation":0}' WHERE id = ANY($1::uuid[])`,
      [[a, b]],
    );
    const pool = await app.call<LeadView[]>(Queries.LeadsListUnrouted, { limit: 200, min_score: 90 });
    expect(pool.map((l) => l.id)).toEqual(expect.arrayContaining([a, b]));
    const queued = await app.call<{ queued: number; job_ids: string[] }>(Queries.LeadsBatchEvaluateRouting, {
      actor: ADMIN,
      body: { lead_ids: [a, b] },
    });
    expect(queued).toEqual({ queued: 2, job_ids: [expect.any(String), expect.any(String)] });
    await waitRouted(a);
    await waitRouted(b);
    const after = await app.call<LeadView[]>(Queries.LeadsListUnrouted, { limit: 200, min_score: 90 });
    expect(after.map((l) => l.id)).not.toEqual(expect.arrayContaining([a]));
    expect(
      await app.request(Queries.LeadsBatchEvaluateRouting, { actor: ADMIN, body: { lead_ids: [] } }),
    ).toMatchObject({ ok: false, error: { status: 400 } });

    const stats = await app.call<RoutingStatsView>(Queries.LeadsRoutingStats, {});
    const [counts] = await app.sql<{ total: number; routed: number; review: number; unrouted: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE routing_status = 'routed')::int AS routed,
              count(*) FILTER (WHERE routing_status = 'manual_review')::int AS review,
              count(*) FILTER (WHERE routing_status = 'unrouted')::int AS unrouted FROM leads.leads`,
    );
    expect(stats).toMatchObject({
      total_leads: counts.total,
      routed: counts.routed,
      manual_review: counts.review,
      unrouted: counts.unrouted,
      pending: 0,
    });
    expect(
      stats.by_pipeline.find((p) => p.pipeline_name === 'B2B Lab Enablement')?.count,
    ).toBeGreaterThanOrEqual(2);
    expect(stats.by_intent.find((i) => i.intent === 'b2b')?.count).toBeGreaterThanOrEqual(2);
  });
});
