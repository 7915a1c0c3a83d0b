import { randomUUID } from 'node:crypto';
import {
  Queries,
  Subjects,
  type DealStageChangedV1,
  type DealView,
  type LeadView,
  type Page,
  type PipelineView,
  type StageHistoryView,
  type StageView,
} from '@crm/contracts';
import { LeadsTestApp } from './support/leads-test-app';

const USER = { type: 'user' as const, id: randomUUID(), name: 'Anna Admin' };

describe('leads: pipelines, deals and their moves over request-reply', () => {
  const app = new LeadsTestApp();
  let pipelines: PipelineView[];
  let b2b: PipelineView;
  let b2bStages: StageView[];
  let researchStages: StageView[];

  beforeAll(async () => {
    await app.start();
    pipelines = (await app.call<{ data: PipelineView[] }>(Queries.LeadsListPipelines, {})).data;
    b2b = pipelines.find((p) => p.slug === 'b2b-lab-enablement')!;
    b2bStages = (await app.call<{ data: StageView[] }>(Queries.LeadsListStages, { id: b2b.id })).data;
    const research = pipelines.find((p) => p.slug === 'research-lab')!;
    researchStages = (await app.call<{ data: StageView[] }>(Queries.LeadsListStages, { id: research.id }))
      .data;
  });
  afterAll(() => app.stop());

  /** A lead made the way production makes them: from an ingest event. */
  async function newLead(
    metadata: Record<string, unknown> = { first_name: 'Jane', last_name: 'Doe' },
  ): Promise<LeadView> {
    const email = `deal.${randomUUID().slice(0, 8)}@lab-${randomUUID().slice(0, 6)}.example`;
    await app.ingest(app.ingestEvent({ lead_identifier: { email }, metadata }));
    const page = await app.call<Page<LeadView>>(Queries.LeadsListLeads, { search: email });
    expect(page.data).toHaveLength(1);
    return page.data[0];
  }

  const createDeal = (body: Record<string, unknown>) =>
    app.request<DealView>(Queries.LeadsCreateDeal, { actor: USER, body });
  const moveDeal = (dealId: string, body: Record<string, unknown>) =>
    app.request<DealView>(Queries.LeadsMoveDeal, { actor: USER, deal_id: dealId, body });
  const history = async (dealId: string) =>
    (await app.call<{ data: StageHistoryView[] }>(Queries.LeadsDealHistory, { id: dealId })).data;
  const stageChangesOf = async (dealId: string) => {
    await app.outboxDrained();
    const all = await app.streamMessages<DealStageChangedV1>('LEADS', Subjects.DealStageChanged);
    return all.filter((m) => m.data.deal_id === dealId);
  };
  const stage = (stages: StageView[], slug: string) => stages.find((s) => s.slug === slug)!;

  it('lists the seeded pipelines, default first, and their stages in order', async () => {
    expect(pipelines.map((p) => [p.slug, p.is_default, p.is_active])).toEqual([
      ['discovery', true, true],
      ['research-lab', false, true],
      ['b2b-lab-enablement', false, true],
      ['panel-co-creation', false, true],
    ]);
    expect(b2bStages.map((s) => [s.position, s.slug, s.stage_type])).toEqual([
      [1, 'initial-contact', 'awareness'],
      [2, 'technical-discovery', 'interest'],
      [3, 'deep-analysis', 'consideration'],
      [4, 'proof-of-concept', 'evaluation'],
      [5, 'business-case-review', 'decision'],
      [6, 'contract-signed', 'closed_won'],
      [7, 'lost', 'closed_lost'],
    ]);
    const stageView = await app.call<StageView & { pipeline_name: string }>(Queries.LeadsGetStage, {
      id: b2bStages[1].id,
    });
    expect(stageView).toMatchObject({
      id: b2bStages[1].id,
      name: 'Technical Discovery',
      pipeline_name: 'B2B Lab Enablement',
    });

    const unknown = await app.request(Queries.LeadsListStages, { id: randomUUID() });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', status: 404 } });
    const malformed = await app.request(Queries.LeadsGetStage, { id: 'not-a-uuid' });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR', status: 400 } });
  });

  it('creates a deal in the first stage with the default name, a history row and no stage-changed event', async () => {
    const lead = await newLead();
    const reply = await createDeal({ lead_id: lead.id, pipeline_id: b2b.id, value: 1500.5 });
    expect(reply.ok).toBe(true);
    const deal = (reply as { data: DealView }).data;
    expect(deal).toMatchObject({
      lead_id: lead.id,
      pipeline_id: b2b.id,
      stage_id: b2bStages[0].id,
      stage_name: 'Initial Contact',
      stage_type: 'awareness',
      pipeline_name: 'B2B Lab Enablement',
      name: 'Jane Doe - B2B Lab Enablement',
      title: 'Jane Doe - B2B Lab Enablement',
      value: 1500.5,
      currency: 'EUR',
      status: 'open',
      position: 1,
      lead_email: lead.email,
      lead_name: 'Jane Doe',
      closed_at: null,
    });

    expect(await history(deal.id)).toEqual([
      expect.objectContaining({
        deal_id: deal.id,
        from_stage_id: null,
        to_stage_id: b2bStages[0].id,
        to_stage_name: 'Initial Contact',
        from_status: null,
        to_status: 'open',
        reason: 'created',
        time_in_previous_stage_seconds: null,
        moved_by: USER,
      }),
    ]);
    expect(await stageChangesOf(deal.id)).toEqual([]);
  });

  it('rejects a second open deal of the lead in the same pipeline with 409 naming the existing deal', async () => {
    const lead = await newLead();
    const first = await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: lead.id, pipeline_id: b2b.id },
    });
    const second = await createDeal({ lead_id: lead.id, pipeline_id: b2b.id, name: 'Another one' });
    expect(second).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'CONFLICT',
        status: 409,
        details: { existing_deal_id: first.id },
      }),
    });
    // Another pipeline is fine.
    const research = pipelines.find((p) => p.slug === 'research-lab')!;
    expect((await createDeal({ lead_id: lead.id, pipeline_id: research.id })).ok).toBe(true);
  });

  it('lets exactly one of several concurrent creations win', async () => {
    const lead = await newLead();
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => createDeal({ lead_id: lead.id, pipeline_id: b2b.id })),
    );
    const won = replies.filter((r) => r.ok) as { ok: true; data: DealView }[];
    expect(won).toHaveLength(1);
    for (const reply of replies.filter((r) => !r.ok)) {
      expect(reply).toMatchObject({
        ok: false,
        error: { code: 'CONFLICT', status: 409, details: { existing_deal_id: won[0].data.id } },
      });
    }
  });

  it('validates creation input: unknown lead 404, stage of another pipeline 400', async () => {
    const lead = await newLead();
    expect(await createDeal({ lead_id: randomUUID(), pipeline_id: b2b.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', status: 404, details: { resource: 'Lead' } },
    });
    expect(
      await createDeal({ lead_id: lead.id, pipeline_id: b2b.id, stage_id: researchStages[0].id }),
    ).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_ERROR', status: 400 },
    });
    expect(await createDeal({ lead_id: lead.id, pipeline_id: b2b.id, value: -1 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_ERROR', status: 400 },
    });
    expect(await app.sql('SELECT id FROM leads.deals WHERE lead_id = $1', [lead.id])).toEqual([]);
  });

  it('moves a deal: history row and one stage-changed event with snapshots, in one step', async () => {
    const lead = await newLead({ first_name: 'Max', last_name: 'Muster' });
    const deal = await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: lead.id, pipeline_id: b2b.id, value: 2500, name: 'Lab rollout' },
    });
    const target = stage(b2bStages, 'technical-discovery');

    const moved = await moveDeal(deal.id, { stage_id: target.id });
    expect(moved).toMatchObject({
      ok: true,
      data: {
        id: deal.id,
        stage_id: target.id,
        stage_name: 'Technical Discovery',
        status: 'open',
        position: 1,
      },
    });

    const rows = await history(deal.id);
    expect(rows.map((r) => [r.reason, r.from_stage_id, r.to_stage_id, r.from_status, r.to_status])).toEqual([
      ['created', null, b2bStages[0].id, null, 'open'],
      ['move', b2bStages[0].id, target.id, 'open', 'open'],
    ]);
    expect(rows[1]).toMatchObject({
      from_stage_name: 'Initial Contact',
      to_stage_name: 'Technical Discovery',
      moved_by: USER,
      time_in_previous_stage_seconds: expect.any(Number),
    });

    const events = await stageChangesOf(deal.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: Subjects.DealStageChanged, producer: 'leads' });
    expect(events[0].data).toEqual({
      deal_id: deal.id,
      lead_id: lead.id,
      pipeline_id: b2b.id,
      stage_history_id: rows[1].id,
      from_stage_id: b2bStages[0].id,
      from_stage_slug: 'initial-contact',
      to_stage_id: target.id,
      to_stage_slug: 'technical-discovery',
      to_stage_type: 'interest',
      status: 'open',
      moved_by: USER,
      reason: 'move',
      time_in_previous_stage_seconds: rows[1].time_in_previous_stage_seconds,
      occurred_at: rows[1].moved_at,
      deal: {
        name: 'Lab rollout',
        value: 2500,
        currency: 'EUR',
        assigned_to: null,
        expected_close_date: null,
      },
      lead: {
        email: lead.email,
        first_name: 'Max',
        last_name: 'Muster',
        source: 'website',
        primary_intent: null,
        phone: null,
        job_title: null,
      },
      // The organization resolved from the lead's email domain, for vendor records (MOCO company).
      organization: {
        id: lead.organization_id,
        name: expect.any(String),
        domain: lead.email!.split('@')[1],
        country: null,
      },
      pipeline_name: 'B2B Lab Enablement',
      to_stage_name: 'Technical Discovery',
    });

    // Moving to the stage it is in changes nothing.
    expect(await moveDeal(deal.id, { stage_id: target.id })).toMatchObject({
      ok: true,
      data: { stage_id: target.id },
    });
    expect(await history(deal.id)).toHaveLength(2);
    expect(await stageChangesOf(deal.id)).toHaveLength(1);
  });

  it('rejects moves to unknown deals or stages (404) and to stages of other pipelines (400), changing nothing', async () => {
    const lead = await newLead();
    const deal = await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: lead.id, pipeline_id: b2b.id },
    });
    expect(await moveDeal(randomUUID(), { stage_id: b2bStages[1].id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', status: 404, details: { resource: 'Deal' } },
    });
    expect(await moveDeal(deal.id, { stage_id: randomUUID() })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', status: 404, details: { resource: 'Stage' } },
    });
    expect(await moveDeal(deal.id, { stage_id: researchStages[1].id })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_ERROR', status: 400 },
    });
    expect(await history(deal.id)).toHaveLength(1);
    expect(await stageChangesOf(deal.id)).toEqual([]);
  });

  it('closes a deal that enters the won stage; a closed deal cannot move (422); a new deal may follow it', async () => {
    const lead = await newLead();
    const deal = await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: lead.id, pipeline_id: b2b.id },
    });
    const won = stage(b2bStages, 'contract-signed');

    const closed = await moveDeal(deal.id, { stage_id: won.id, close_reason: 'Signed at BIO Europe' });
    expect(closed).toMatchObject({
      ok: true,
      data: {
        status: 'won',
        stage_id: won.id,
        stage_type: 'closed_won',
        close_reason: 'Signed at BIO Europe',
      },
    });
    expect((closed as { data: DealView }).data.closed_at).toEqual(expect.any(String));
    const rows = await history(deal.id);
    expect(rows[1]).toMatchObject({
      reason: 'move',
      from_status: 'open',
      to_status: 'won',
      to_stage_id: won.id,
    });
    const events = await stageChangesOf(deal.id);
    expect(events.map((e) => [e.data.to_stage_type, e.data.status])).toEqual([['closed_won', 'won']]);

    expect(await moveDeal(deal.id, { stage_id: b2bStages[2].id })).toMatchObject({
      ok: false,
      error: { code: 'BUSINESS_LOGIC_ERROR', status: 422 },
    });
    expect(await history(deal.id)).toHaveLength(2);

    // Uniqueness covers only open deals.
    expect((await createDeal({ lead_id: lead.id, pipeline_id: b2b.id })).ok).toBe(true);
  });

  it("closes through the pipeline's won stage, makes the lead a customer, and reopens into the stage it had", async () => {
    const lead = await newLead();
    const deal = await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: lead.id, pipeline_id: b2b.id },
    });
    await moveDeal(deal.id, { stage_id: b2bStages[2].id });
    const close = (body: Record<string, unknown>) =>
      app.request<DealView>(Queries.LeadsCloseDeal, { actor: USER, deal_id: deal.id, body });

    const won = await close({ status: 'won', close_reason: 'PO received' });
    expect(won).toMatchObject({
      ok: true,
      data: {
        status: 'won',
        stage_type: 'closed_won',
        close_reason: 'PO received',
        closed_at: expect.any(String),
      },
    });
    expect(await close({ status: 'lost' })).toMatchObject({ ok: false, error: { status: 422 } });
    expect(await app.sql('SELECT status, lifecycle_stage FROM leads.leads WHERE id = $1', [lead.id])).toEqual(
      [{ status: 'customer', lifecycle_stage: 'customer' }],
    );

    const reopened = await app.request<DealView>(Queries.LeadsReopenDeal, { actor: USER, deal_id: deal.id });
    expect(reopened).toMatchObject({
      ok: true,
      data: { status: 'open', stage_id: b2bStages[2].id, closed_at: null, close_reason: null },
    });
    expect(await app.request(Queries.LeadsReopenDeal, { actor: USER, deal_id: deal.id })).toMatchObject({
      ok: false,
      error: { status: 422 },
    });
    expect((await history(deal.id)).map((row) => [row.reason, row.to_status])).toEqual([
      ['created', 'open'],
      ['move', 'open'],
      ['close', 'won'],
      ['reopen', 'open'],
    ]);
    const events = await stageChangesOf(deal.id);
    expect(events.map((e) => [e.data.reason, e.data.status])).toEqual([
      ['move', 'open'],
      ['close', 'won'],
      ['reopen', 'open'],
    ]);
  });

  it("edits a deal's own fields (owner by email; null clears) and counts deals and values by status", async () => {
    const lead = await newLead();
    const owner = await app.call<{ id: string; email: string }>(Queries.LeadsCreateTeamMember, {
      actor: USER,
      body: { email: `owner.${randomUUID().slice(0, 8)}@dna-me.example`, name: 'Owner', role: 'ae' },
    });
    const deal = await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: lead.id, pipeline_id: b2b.id, value: 1000 },
    });
    const update = (body: Record<string, unknown>) =>
      app.request<DealView>(Queries.LeadsUpdateDeal, { actor: USER, deal_id: deal.id, body });
    expect(
      await update({
        name: 'Pilot',
        value: 2500.5,
        assigned_to: owner.email.toUpperCase(),
        expected_close_date: '2027-03-31',
      }),
    ).toMatchObject({
      ok: true,
      data: {
        name: 'Pilot',
        value: 2500.5,
        assigned_to: owner.id,
        assigned_to_email: owner.email,
        assigned_to_name: 'Owner',
        expected_close_date: '2027-03-31',
        stage_id: deal.stage_id,
      },
    });
    expect(await update({ assigned_to: null, expected_close_date: null })).toMatchObject({
      ok: true,
      data: { assigned_to: null, expected_close_date: null, name: 'Pilot' },
    });
    expect(await update({ assigned_to: 'nobody@nowhere.example' })).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
    expect(await update({ expected_close_date: '2027-02-30' })).toMatchObject({
      ok: false,
      error: { status: 400 },
    });

    const stats = await app.call<{
      by_status: Record<string, number>;
      value_by_status: Record<string, number>;
    }>(Queries.LeadsDealStats, { pipeline_id: b2b.id });
    const [sums] = await app.sql<{ open: number; open_value: string }>(
      `SELECT count(*) FILTER (WHERE status = 'open')::int AS open,
              coalesce(sum(value) FILTER (WHERE status = 'open'), 0)::text AS open_value
         FROM leads.deals WHERE pipeline_id = $1`,
      [b2b.id],
    );
    expect(stats.by_status.open).toBe(sums.open);
    expect(stats.value_by_status.open).toBe(Number(sums.open_value));
    expect(Object.keys(stats.by_status).sort()).toEqual(['lost', 'open', 'won']);
  });

  it('reorders a stage for the Kanban (listed first, the rest after in their order); ids outside it are 400', async () => {
    const [first, second, third] = [await newLead(), await newLead(), await newLead()];
    const deals: DealView[] = [];
    for (const lead of [first, second, third]) {
      deals.push(
        await app.call<DealView>(Queries.LeadsCreateDeal, {
          actor: USER,
          body: { lead_id: lead.id, pipeline_id: b2b.id },
        }),
      );
    }
    const stageId = deals[0].stage_id;
    const reorder = (ordered_ids: string[]) =>
      app.request(Queries.LeadsReorderDeals, { actor: USER, body: { stage_id: stageId, ordered_ids } });
    expect(await reorder([deals[2].id, deals[0].id])).toEqual({ ok: true, data: { success: true } });
    const positions = await app.sql<{ id: string; position: number }>(
      `SELECT id, position FROM leads.deals WHERE stage_id = $1 ORDER BY position`,
      [stageId],
    );
    expect(positions.slice(0, 2).map((p) => p.id)).toEqual([deals[2].id, deals[0].id]);
    expect(positions.map((p) => p.position)).toEqual(positions.map((_, i) => i + 1));
    const before = await app.sql(`SELECT id, position FROM leads.deals WHERE stage_id = $1 ORDER BY id`, [
      stageId,
    ]);
    expect(await reorder([deals[1].id, randomUUID()])).toMatchObject({ ok: false, error: { status: 400 } });
    expect(
      await app.sql(`SELECT id, position FROM leads.deals WHERE stage_id = $1 ORDER BY id`, [stageId]),
    ).toEqual(before);
  });

  it('moves a deal to another lead (default name follows; 409 for a second open deal) and deletes deals', async () => {
    const [from, to, busy] = [
      await newLead(),
      await newLead({ first_name: 'Max', last_name: 'Muster' }),
      await newLead(),
    ];
    const deal = await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: from.id, pipeline_id: b2b.id },
    });
    await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: busy.id, pipeline_id: b2b.id },
    });
    const change = (leadId: string) =>
      app.request<DealView>(Queries.LeadsChangeDealLead, {
        actor: USER,
        deal_id: deal.id,
        body: { lead_id: leadId },
      });
    const moved = await change(to.id);
    expect(moved).toMatchObject({ ok: true, data: { lead_id: to.id } });
    expect((moved as { data: DealView }).data.name).toBe('Max Muster - B2B Lab Enablement');
    expect(await change(busy.id)).toMatchObject({ ok: false, error: { status: 409 } });
    expect(await change(randomUUID())).toMatchObject({ ok: false, error: { status: 404 } });

    expect(await app.call(Queries.LeadsDeleteDeal, { actor: USER, deal_id: deal.id })).toEqual({
      success: true,
      message: 'Deal deleted successfully',
    });
    expect(await app.sql(`SELECT id FROM leads.deal_stage_history WHERE deal_id = $1`, [deal.id])).toEqual(
      [],
    );
    expect(await app.request(Queries.LeadsDeleteDeal, { actor: USER, deal_id: deal.id })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
  });

  it('reads deals: get, list with filters and search, history; unknown ids are 404', async () => {
    const lead = await newLead({ first_name: 'Zoe', last_name: `Searchable${randomUUID().slice(0, 4)}` });
    const deal = await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: lead.id, pipeline_id: b2b.id, value: 99.99, expected_close_date: '2026-02-28' },
    });
    expect(await app.call<DealView>(Queries.LeadsGetDeal, { id: deal.id })).toMatchObject({
      id: deal.id,
      value: 99.99,
      expected_close_date: '2026-02-28',
      expected_close: '2026-02-28',
    });

    const bySearch = await app.call<Page<DealView>>(Queries.LeadsListDeals, { search: lead.last_name });
    expect(bySearch.data.map((d) => d.id)).toEqual([deal.id]);
    expect(bySearch.pagination).toEqual({
      page: 1,
      limit: 20,
      total: 1,
      total_pages: 1,
      has_next: false,
      has_prev: false,
      next_cursor: null,
    });

    const filtered = await app.call<Page<DealView>>(Queries.LeadsListDeals, {
      pipeline_id: b2b.id,
      lead_id: lead.id,
      status: 'open',
      min_value: 99,
      max_value: 100,
    });
    expect(filtered.data.map((d) => d.id)).toEqual([deal.id]);
    const none = await app.call<Page<DealView>>(Queries.LeadsListDeals, { lead_id: lead.id, min_value: 100 });
    expect(none.data).toEqual([]);

    for (const subject of [Queries.LeadsGetDeal, Queries.LeadsDealHistory]) {
      expect(await app.request(subject, { id: randomUUID() })).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND', status: 404 },
      });
    }
  });

  it('lists and gets leads with search, filters, sorting and paging; unknown lead is 404', async () => {
    const company = `Zebra Genomics ${randomUUID().slice(0, 6)}`;
    const a = await newLead({ first_name: 'Ada', company_name: company });
    const b = await newLead({ first_name: 'Bea', company_name: company });
    const byOrg = await app.call<Page<LeadView>>(Queries.LeadsListLeads, {
      search: company,
      sort_by: 'first_name',
      sort_order: 'asc',
    });
    expect(byOrg.data.map((l) => [l.id, l.organization_name])).toEqual([
      [a.id, company],
      [b.id, company],
    ]);
    const paged = await app.call<Page<LeadView>>(Queries.LeadsListLeads, {
      search: company,
      limit: 1,
      page: 2,
      sort_by: 'first_name',
      sort_order: 'asc',
    });
    expect(paged.data.map((l) => l.id)).toEqual([b.id]);
    expect(paged.pagination).toMatchObject({
      page: 2,
      limit: 1,
      total: 2,
      total_pages: 2,
      has_next: false,
      has_prev: true,
    });
    const byIds = await app.call<Page<LeadView>>(Queries.LeadsListLeads, { id: `${a.id},${b.id}` });
    expect(byIds.data.map((l) => l.id).sort()).toEqual([a.id, b.id].sort());

    expect(await app.call<LeadView>(Queries.LeadsGetLead, { id: a.id })).toMatchObject({
      id: a.id,
      first_name: 'Ada',
      organization_name: company,
      status: 'new',
      lifecycle_stage: 'lead',
      routing_status: 'unrouted',
      score_tier: 'cold',
      intent_summary: { research: 0, b2b: 0, co_creation: 0 },
    });
    expect(await app.request(Queries.LeadsGetLead, { id: randomUUID() })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', status: 404, details: { resource: 'Lead' } },
    });
    const createdAt = (await app.call<LeadView>(Queries.LeadsGetLead, { id: b.id })).created_at;
    const since = await app.call<Page<LeadView>>(Queries.LeadsListLeads, {
      search: company,
      created_after: createdAt,
    });
    expect(since.data.map((l) => l.id)).toEqual([b.id]);
    const before = await app.call<Page<LeadView>>(Queries.LeadsListLeads, {
      search: company,
      created_before: createdAt,
    });
    expect(before.data.map((l) => l.id)).toEqual([a.id]);
    expect(await app.request(Queries.LeadsListLeads, { created_after: 'last tuesday' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_ERROR', status: 400 },
    });
    expect(await app.request(Queries.LeadsListLeads, { sort_by: 'password' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_ERROR', status: 400 },
    });
  });

  it('counts leads by status, routing status and lifecycle stage, every documented value present', async () => {
    const stats = await app.call<{
      by_status: Record<string, number>;
      by_routing_status: Record<string, number>;
      by_lifecycle_stage: Record<string, number>;
      total: number;
    }>(Queries.LeadsLeadStats, {});
    const [counts] = await app.sql<{ total: number; new: number; unrouted: number; lead: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'new')::int AS new,
              count(*) FILTER (WHERE routing_status = 'unrouted')::int AS unrouted,
              count(*) FILTER (WHERE lifecycle_stage = 'lead')::int AS lead FROM leads.leads`,
    );
    expect(stats.total).toBe(counts.total);
    expect(counts.total).toBeGreaterThan(0);
    expect(stats.by_status).toMatchObject({ new: counts.new, churned: 0 });
    expect(Object.keys(stats.by_status)).toHaveLength(6);
    expect(stats.by_routing_status).toMatchObject({ unrouted: counts.unrouted });
    expect(Object.keys(stats.by_routing_status).sort()).toEqual(['manual_review', 'routed', 'unrouted']);
    expect(stats.by_lifecycle_stage).toMatchObject({ lead: counts.lead, subscriber: 0 });
  });

  it('gets a pipeline with or without its stages, and its metrics from its deals', async () => {
    const withStages = await app.call<PipelineView & { stages: StageView[] }>(Queries.LeadsGetPipeline, {
      id: b2b.id,
    });
    expect(withStages.stages.map((s) => s.id)).toEqual(b2bStages.map((s) => s.id));
    const bare = await app.call<PipelineView>(Queries.LeadsGetPipeline, {
      id: b2b.id,
      include_stages: 'false',
    });
    expect(bare).not.toHaveProperty('stages');
    expect(await app.request(Queries.LeadsGetPipeline, { id: randomUUID() })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });

    const metrics = await app.call<{
      total_deals: number;
      open_deals: number;
      won_deals: number;
      lost_deals: number;
      win_rate: number;
      total_value: number;
      stages: { stage_id: string; deals_count: number }[];
    }>(Queries.LeadsPipelineMetrics, { id: b2b.id });
    const [counts] = await app.sql<{ total: number; open: number; won: number; lost: number; value: string }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'open')::int AS open,
              count(*) FILTER (WHERE status = 'won')::int AS won, count(*) FILTER (WHERE status = 'lost')::int AS lost,
              coalesce(sum(value), 0)::text AS value
         FROM leads.deals WHERE pipeline_id = $1`,
      [b2b.id],
    );
    expect(metrics).toMatchObject({
      total_deals: counts.total,
      open_deals: counts.open,
      won_deals: counts.won,
      lost_deals: counts.lost,
      total_value: Number(counts.value),
      win_rate:
        counts.won + counts.lost ? Math.round((counts.won / (counts.won + counts.lost)) * 100) / 100 : 0,
    });
    expect(counts.won).toBeGreaterThan(0);
    expect(metrics.stages.map((s) => s.stage_id)).toEqual(b2bStages.map((s) => s.id));
    expect(metrics.stages.reduce((sum, s) => sum + s.deals_count, 0)).toBe(counts.open);
  });

  it('summarises open deals per pipeline on request', async () => {
    const { data } = await app.call<{ data: PipelineView[] }>(Queries.LeadsListPipelines, {
      with_summary: true,
    });
    const summary = data.find((p) => p.slug === 'b2b-lab-enablement')!;
    const [expected] = await app.sql<{ n: string; total: string }>(
      "SELECT count(*) AS n, COALESCE(sum(value), 0) AS total FROM leads.deals WHERE pipeline_id = $1 AND status = 'open'",
      [b2b.id],
    );
    expect(summary).toMatchObject({
      deals_count: Number(expected.n),
      total_value: Number(expected.total),
      stages_count: 7,
    });
    expect(summary.deals_count).toBeGreaterThan(0);
  });
});
