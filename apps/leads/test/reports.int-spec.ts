import { randomUUID } from 'node:crypto';
import {
  Queries,
  type CampaignAttributionReport,
  type DealView,
  type LeadsByIntentReport,
  type LeadsByScoreReport,
  type PipelineFunnel,
  type PipelineFunnelReport,
  type PipelineView,
  type ReportsSummary,
  type RoutingEffectivenessReport,
  type StageView,
} from '@crm/contracts';
import { LeadsTestApp } from './support/leads-test-app';

const USER = { type: 'user' as const, id: randomUUID(), name: 'Rita Reports' };
const DAY = 86_400;

interface SeedLead {
  created_at: string;
  scores: [demographic: number, engagement: number, behavior: number];
  tier: string;
  intent?: {
    primary: string;
    confidence: number;
    summary: [research: number, b2b: number, co_creation: number];
  };
  routing?:
    | { status: 'routed'; pipeline: string; at: string; score: number }
    | { status: 'manual_review'; at: string };
  source?: string;
  first_campaign?: string;
  last_campaign?: string;
}

/**
 * A small known dataset: seven leads across tiers, intents (two in conflict), routing states and campaigns, and
 * five deals whose stage history is set to known days. Every figure below is worked out by hand from it.
 */
const LEADS: Record<string, SeedLead> = {
  L1: {
    created_at: '2025-01-10T10:00:00Z',
    scores: [10, 20, 5],
    tier: 'cold',
    source: 'website',
    first_campaign: 'spring',
    last_campaign: 'spring',
  },
  L2: {
    created_at: '2025-01-20T12:00:00Z',
    scores: [20, 20, 10],
    tier: 'warm',
    intent: { primary: 'research', confidence: 80, summary: [40, 0, 0] },
    routing: { status: 'routed', pipeline: 'research-lab', at: '2025-01-20T18:00:00Z', score: 45 },
    source: 'ads',
    first_campaign: 'spring',
    last_campaign: 'summer',
  },
  L3: {
    // The last half hour of 25 January: a date-only end_date of that day takes it in.
    created_at: '2025-01-25T23:30:00Z',
    scores: [30, 40, 20],
    tier: 'hot',
    intent: { primary: 'b2b', confidence: 60, summary: [0, 30, 20] }, // runner-up 10 behind: conflict
    routing: { status: 'manual_review', at: '2025-01-26T08:00:00Z' },
    source: 'linkedin',
    last_campaign: 'summer',
  },
  L4: {
    created_at: '2025-02-05T08:00:00Z',
    scores: [40, 50, 40],
    tier: 'very_hot',
    intent: { primary: 'b2b', confidence: 90, summary: [0, 60, 0] },
    routing: { status: 'routed', pipeline: 'b2b-lab-enablement', at: '2025-02-06T08:00:00Z', score: 100 },
    source: 'ads',
    first_campaign: 'autumn',
    last_campaign: 'autumn',
  },
  L5: {
    created_at: '2025-02-10T00:00:00Z',
    scores: [25, 30, 30],
    tier: 'hot',
    intent: { primary: 'research', confidence: 70, summary: [50, 10, 0] }, // 40 ahead: no conflict
    routing: { status: 'routed', pipeline: 'research-lab', at: '2025-02-10T12:00:00Z', score: 85 },
    source: 'website',
  },
  L6: { created_at: '2025-03-01T00:00:00Z', scores: [0, 0, 0], tier: 'cold' },
  L7: {
    created_at: '2025-03-15T00:00:00Z',
    scores: [15, 15, 15],
    tier: 'warm',
    intent: { primary: 'co_creation', confidence: 55, summary: [10, 0, 20] }, // runner-up 10 behind: conflict
    source: 'website',
    first_campaign: 'spring',
  },
};

describe('leads: reports (api.md §18) over request-reply', () => {
  const app = new LeadsTestApp();
  const leadIds: Record<string, string> = {};
  const pipelines: Record<string, PipelineView> = {};
  const stages: Record<string, StageView[]> = {};
  const dealIds: Record<string, string> = {};

  beforeAll(async () => {
    await app.start();
    for (const p of (await app.call<{ data: PipelineView[] }>(Queries.LeadsListPipelines, {})).data) {
      pipelines[p.slug] = p;
      stages[p.slug] = (await app.call<{ data: StageView[] }>(Queries.LeadsListStages, { id: p.id })).data;
    }
    for (const [name, lead] of Object.entries(LEADS)) leadIds[name] = await insertLead(name, lead);

    // b2b: D1 won after stages 1→2→3 (days 0, 2, 5, won on day 9); D2 lost from stage 2 (0, 1, lost on 4);
    // D3 stays in stage 1; D5 goes 1→2 and back to 1 (0, 1, 3). research-lab: D4 1→2→1→2 (0, 6, 7, 9).
    // discovery (no won or lost stage): D6 won where it stands on day 2.
    dealIds.D1 = await dealThrough('L4', 'b2b-lab-enablement', 1000, [2, 3], 'won');
    dealIds.D2 = await dealThrough('L2', 'b2b-lab-enablement', 500, [2], 'lost');
    dealIds.D3 = await dealThrough('L1', 'b2b-lab-enablement', 200, [], null);
    dealIds.D4 = await dealThrough('L5', 'research-lab', 300, [2, 1, 2], null);
    dealIds.D5 = await dealThrough('L7', 'b2b-lab-enablement', 100, [2, 1], null);
    dealIds.D6 = await dealThrough('L3', 'discovery', 50, [], 'won');
    await setTimeline(dealIds.D1, '2025-02-06T00:00:00Z', [0, 2, 5, 9]);
    await setTimeline(dealIds.D2, '2025-01-21T00:00:00Z', [0, 1, 4]);
    await setTimeline(dealIds.D3, '2025-01-11T00:00:00Z', [0]);
    await setTimeline(dealIds.D4, '2025-02-11T00:00:00Z', [0, 6, 7, 9]);
    await setTimeline(dealIds.D5, '2025-03-16T00:00:00Z', [0, 1, 3]);
    await setTimeline(dealIds.D6, '2025-01-27T00:00:00Z', [0, 2]);
  });
  afterAll(() => app.stop());

  async function insertLead(name: string, lead: SeedLead): Promise<string> {
    const [d, e, b] = lead.scores;
    const routing = lead.routing;
    const [{ id }] = await app.sql<{ id: string }>(
      `INSERT INTO leads.leads (email, demographic_score, engagement_score, behavior_score, total_score, score_tier,
              primary_intent, intent_confidence, intent_summary, routing_status, pipeline_id, routed_at,
              routed_score, manual_review_reason, manual_review_at, first_touch_source, first_touch_campaign,
              last_touch_campaign, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
      [
        `${name.toLowerCase()}.${randomUUID().slice(0, 8)}@lab.example`,
        d,
        e,
        b,
        d + e + b,
        lead.tier,
        lead.intent?.primary ?? null,
        lead.intent?.confidence ?? null,
        JSON.stringify(
          lead.intent
            ? {
                research: lead.intent.summary[0],
                b2b: lead.intent.summary[1],
                co_creation: lead.intent.summary[2],
              }
            : { research: 0, b2b: 0, co_creation: 0 },
        ),
        routing?.status ?? 'unrouted',
        routing?.status === 'routed' ? pipelines[routing.pipeline].id : null,
        routing?.status === 'routed' ? routing.at : null,
        routing?.status === 'routed' ? routing.score : null,
        routing?.status === 'manual_review' ? 'intent_conflict' : null,
        routing?.status === 'manual_review' ? routing.at : null,
        lead.source ?? null,
        lead.first_campaign ?? null,
        lead.last_campaign ?? null,
        lead.created_at,
      ],
    );
    return id;
  }

  /** A deal made and moved the way production does it (stage positions 1-based), then closed. */
  async function dealThrough(
    lead: string,
    pipeline: string,
    value: number,
    positions: number[],
    close: 'won' | 'lost' | null,
  ): Promise<string> {
    const deal = await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: leadIds[lead], pipeline_id: pipelines[pipeline].id, value },
    });
    for (const position of positions) {
      await app.call(Queries.LeadsMoveDeal, {
        actor: USER,
        deal_id: deal.id,
        body: { stage_id: stages[pipeline][position - 1].id },
      });
    }
    if (close)
      await app.call(Queries.LeadsCloseDeal, { actor: USER, deal_id: deal.id, body: { status: close } });
    return deal.id;
  }

  /** The deal was created at `createdAt`; its history rows (in order) happened `days` after it. */
  async function setTimeline(dealId: string, createdAt: string, days: number[]): Promise<void> {
    const rows = await app.sql<{ id: string }>(
      'SELECT id FROM leads.deal_stage_history WHERE deal_id = $1 ORDER BY moved_at, id',
      [dealId],
    );
    expect(rows).toHaveLength(days.length);
    for (const [i, row] of rows.entries()) {
      await app.sql(
        `UPDATE leads.deal_stage_history SET moved_at = $2::timestamptz + make_interval(days => $3),
                time_in_previous_stage_seconds = $4 WHERE id = $1`,
        [row.id, createdAt, days[i], i ? (days[i] - days[i - 1]) * DAY : null],
      );
    }
    await app.sql(
      `UPDATE leads.deals SET created_at = $2::timestamptz,
              closed_at = CASE WHEN status = 'open' THEN NULL ELSE $2::timestamptz + make_interval(days => $3) END
        WHERE id = $1`,
      [dealId, createdAt, days[days.length - 1]],
    );
  }

  const report = <T>(subject: (typeof Queries)[keyof typeof Queries], query: Record<string, unknown> = {}) =>
    app.call<T>(subject, query);
  const funnelOf = (report: PipelineFunnelReport, slug: string): PipelineFunnel =>
    report.data.find((p) => p.pipeline_id === pipelines[slug].id)!;

  it('leads by score: every tier with its count, share, average and bounds; averages over all leads', async () => {
    expect(await report<LeadsByScoreReport>(Queries.LeadsReportLeadsByScore)).toEqual({
      total_leads: 7,
      score_distribution: [
        {
          tier: 'cold',
          count: 2,
          percentage: 28.57,
          avg_score: 17.5,
          min_score_threshold: 0,
          max_score_threshold: 39,
        },
        {
          tier: 'warm',
          count: 2,
          percentage: 28.57,
          avg_score: 47.5,
          min_score_threshold: 40,
          max_score_threshold: 79,
        },
        {
          tier: 'hot',
          count: 2,
          percentage: 28.57,
          avg_score: 87.5,
          min_score_threshold: 80,
          max_score_threshold: 119,
        },
        {
          tier: 'very_hot',
          count: 1,
          percentage: 14.29,
          avg_score: 130,
          min_score_threshold: 120,
          max_score_threshold: null,
        },
      ],
      avg_total_score: 62.14, // 435 / 7
      score_breakdown: { avg_demographic: 20, avg_engagement: 25, avg_behavior: 17.14 },
    });
  });

  it('filters on created_at: a date end takes in its whole day, a date-time bound is exact, offsets count', async () => {
    const february = await report<LeadsByScoreReport>(Queries.LeadsReportLeadsByScore, {
      start_date: '2025-02-01',
      end_date: '2025-02-28',
    });
    expect(february.total_leads).toBe(2);
    expect(february.avg_total_score).toBe(107.5);
    expect(february.score_distribution.map((t) => [t.tier, t.count, t.percentage])).toEqual([
      ['cold', 0, 0],
      ['warm', 0, 0],
      ['hot', 1, 50],
      ['very_hot', 1, 50],
    ]);
    const total = async (query: Record<string, string>) =>
      (await report<LeadsByScoreReport>(Queries.LeadsReportLeadsByScore, query)).total_leads;
    expect(await total({ start_date: '2025-01-20', end_date: '2025-01-25' })).toBe(2); // L2, L3 (23:30)
    expect(await total({ start_date: '2025-01-20', end_date: '2025-01-25T23:00:00Z' })).toBe(1);
    expect(await total({ start_date: '2025-01-20T13:30:00+02:00', end_date: '2025-01-20' })).toBe(1); // 11:30Z
    expect(await total({ start_date: '2025-01-20T14:30:00+02:00', end_date: '2025-01-20' })).toBe(0); // 12:30Z
    expect(await total({ start_date: '2025-03-01' })).toBe(2);
    expect(await total({ end_date: '2025-01-10' })).toBe(1);
    const empty = await report<LeadsByScoreReport>(Queries.LeadsReportLeadsByScore, {
      start_date: '2030-01-01',
    });
    expect(empty).toMatchObject({ total_leads: 0, avg_total_score: 0 });
    expect(empty.score_distribution.every((t) => t.count === 0 && t.percentage === 0)).toBe(true);
  });

  it('leads by intent: shares of the leads with an intent, confidence, routed share, conflicts', async () => {
    expect(await report<LeadsByIntentReport>(Queries.LeadsReportLeadsByIntent)).toEqual({
      total_leads_with_intent: 5,
      no_intent_count: 2,
      intent_distribution: [
        {
          intent: 'research',
          count: 2,
          percentage: 40,
          avg_confidence: 75,
          routed_count: 2,
          routed_percentage: 100,
        },
        {
          intent: 'b2b',
          count: 2,
          percentage: 40,
          avg_confidence: 75,
          routed_count: 1,
          routed_percentage: 50,
        },
        {
          intent: 'co_creation',
          count: 1,
          percentage: 20,
          avg_confidence: 55,
          routed_count: 0,
          routed_percentage: 0,
        },
      ],
      conflict_count: 2, // L3 and L7
    });
    const january = await report<LeadsByIntentReport>(Queries.LeadsReportLeadsByIntent, {
      start_date: '2025-01-01',
      end_date: '2025-01-31',
    });
    expect(january).toMatchObject({ total_leads_with_intent: 2, no_intent_count: 1, conflict_count: 1 });
    expect(january.intent_distribution.map((i) => [i.intent, i.count, i.percentage])).toEqual([
      ['research', 1, 50],
      ['b2b', 1, 50],
      ['co_creation', 0, 0],
    ]);
  });

  it('pipeline funnel: deal counts and values, win rate, cycle, and per stage the time in it and conversion', async () => {
    const all = await report<PipelineFunnelReport>(Queries.LeadsReportPipelineFunnel);
    // Active pipelines, default first, in creation order.
    expect(all.data.map((p) => p.pipeline_name)).toEqual([
      'Discovery',
      'Research Lab',
      'B2B Lab Enablement',
      'Panel Co-Creation',
    ]);
    const b2b = funnelOf(all, 'b2b-lab-enablement');
    const s = stages['b2b-lab-enablement'];
    expect(b2b).toEqual({
      pipeline_id: pipelines['b2b-lab-enablement'].id,
      pipeline_name: 'B2B Lab Enablement',
      total_deals: 4,
      open_deals: 2,
      won_deals: 1,
      lost_deals: 1,
      total_value: 1800,
      won_value: 1000,
      win_rate: 50,
      avg_sales_cycle_days: 6.5, // D1 9 days, D2 4 days
      stages: [
        // Stays ended by a move: D1 2 d, D2 1 d, D5 1 d; entered by D1, D2, D3, D5; D1, D2, D5 went further.
        stage(s[0], 2, 300, 150, 1.33, 75),
        // D1 3 d, D2 3 d, D5 2 d; of D1, D2 and D5 only D1 went further (D2 was lost, D5 went back).
        stage(s[1], 0, 0, 0, 2.67, 33.33),
        stage(s[2], 0, 0, 0, 4, 100),
        stage(s[3], 0, 0, 0, null, 0),
        stage(s[4], 0, 0, 0, null, 0),
        stage(s[5], 1, 1000, 1000, null, 0),
        stage(s[6], 1, 500, 500, null, 0),
      ],
    });
    const r = stages['research-lab'];
    expect(funnelOf(all, 'research-lab')).toEqual({
      pipeline_id: pipelines['research-lab'].id,
      pipeline_name: 'Research Lab',
      total_deals: 1,
      open_deals: 1,
      won_deals: 0,
      lost_deals: 0,
      total_value: 300,
      won_value: 0,
      win_rate: 0,
      avg_sales_cycle_days: null,
      stages: [
        // Stays in stage 1: 6 d and 2 d. Back in stage 2 after a step back is no step beyond it.
        stage(r[0], 0, 0, 0, 4, 100),
        stage(r[1], 1, 300, 300, 1, 0),
        ...r.slice(2).map((st) => stage(st, 0, 0, 0, null, 0)),
      ],
    });
    // Won where it stood: that stay is not a move out, but the deal converted.
    const d = stages['discovery'];
    expect(funnelOf(all, 'discovery')).toEqual({
      pipeline_id: pipelines['discovery'].id,
      pipeline_name: 'Discovery',
      total_deals: 1,
      open_deals: 0,
      won_deals: 1,
      lost_deals: 0,
      total_value: 50,
      won_value: 50,
      win_rate: 100,
      avg_sales_cycle_days: 2,
      stages: [
        stage(d[0], 1, 50, 50, null, 100),
        stage(d[1], 0, 0, 0, null, 0),
        stage(d[2], 0, 0, 0, null, 0),
      ],
    });
    expect(funnelOf(all, 'panel-co-creation')).toMatchObject({
      total_deals: 0,
      win_rate: 0,
      avg_sales_cycle_days: null,
    });

    const one = await report<PipelineFunnelReport>(Queries.LeadsReportPipelineFunnel, {
      pipeline_id: pipelines['b2b-lab-enablement'].id,
    });
    expect(one.data).toEqual([b2b]);

    // Deals created from February on: D1 (won) and D5 in b2b.
    const fromFebruary = funnelOf(
      await report<PipelineFunnelReport>(Queries.LeadsReportPipelineFunnel, { start_date: '2025-02-01' }),
      'b2b-lab-enablement',
    );
    expect(fromFebruary).toMatchObject({
      total_deals: 2,
      open_deals: 1,
      won_deals: 1,
      lost_deals: 0,
      total_value: 1100,
      win_rate: 100,
      avg_sales_cycle_days: 9,
    });
    expect(
      fromFebruary.stages.map((st) => [st.deal_count, st.avg_time_in_stage_days, st.conversion_rate]),
    ).toEqual([
      [1, 1.5, 100],
      [0, 2.5, 50],
      [0, 4, 100],
      [0, null, 0],
      [0, null, 0],
      [1, null, 0],
      [0, null, 0],
    ]);
  });

  it('campaign attribution: one row per first- or last-touch campaign, revenue from first touch, top sources', async () => {
    const placeholders = { status: 'active', spent: 0, roi: null, cost_per_lead: null };
    expect(await report<CampaignAttributionReport>(Queries.LeadsReportCampaignAttribution)).toEqual({
      total_campaigns: 3,
      total_leads_attributed: 5,
      total_revenue: 1000,
      total_spent: 0,
      overall_roi: null,
      campaigns: [
        {
          ...campaign('spring'),
          leads_generated: 3, // L1, L2, L7
          first_touch_leads: 3,
          last_touch_leads: 1,
          deals_created: 3, // D3, D2, D5
          revenue_attributed: 0,
          ...placeholders,
        },
        {
          ...campaign('summer'),
          leads_generated: 2, // L2, L3: last touch only
          first_touch_leads: 0,
          last_touch_leads: 2,
          deals_created: 0,
          revenue_attributed: 0,
          ...placeholders,
        },
        {
          ...campaign('autumn'),
          leads_generated: 1,
          first_touch_leads: 1,
          last_touch_leads: 1,
          deals_created: 1,
          revenue_attributed: 1000, // D1, won
          ...placeholders,
        },
      ],
      top_sources: [
        { source: 'website', lead_count: 3, percentage: 50 },
        { source: 'ads', lead_count: 2, percentage: 33.33 },
        { source: 'linkedin', lead_count: 1, percentage: 16.67 },
      ],
    });
    const february = await report<CampaignAttributionReport>(Queries.LeadsReportCampaignAttribution, {
      start_date: '2025-02-01',
      end_date: '2025-02-28',
    });
    expect(february).toMatchObject({ total_campaigns: 1, total_leads_attributed: 1, total_revenue: 1000 });
    expect(february.campaigns.map((c) => c.utm_campaign)).toEqual(['autumn']);
    expect(february.top_sources).toEqual([
      { source: 'ads', lead_count: 1, percentage: 50 },
      { source: 'website', lead_count: 1, percentage: 50 },
    ]);
  });

  it('routing effectiveness: status counts, score at routing, time to route, per month of creation', async () => {
    expect(await report<RoutingEffectivenessReport>(Queries.LeadsReportRoutingEffectiveness)).toEqual({
      total_leads: 7,
      routed_count: 3,
      unrouted_count: 3,
      pending_count: 0,
      manual_review_count: 1,
      routing_rate: 42.86,
      avg_score_at_routing: 76.67, // (45 + 100 + 85) / 3, not today's totals
      avg_time_to_route_hours: 14, // (6 + 24 + 12) / 3
      routing_by_period: [
        {
          period: '2025-01',
          total_routed: 1,
          by_pipeline: [{ pipeline_name: 'Research Lab', count: 1, percentage: 100 }],
          by_intent: [{ intent: 'research', count: 1, percentage: 100 }],
          avg_time_to_route_hours: 6,
          manual_review_count: 1,
          manual_review_percentage: 33.33,
        },
        {
          period: '2025-02',
          total_routed: 2,
          by_pipeline: [
            { pipeline_name: 'B2B Lab Enablement', count: 1, percentage: 50 },
            { pipeline_name: 'Research Lab', count: 1, percentage: 50 },
          ],
          by_intent: [
            { intent: 'b2b', count: 1, percentage: 50 },
            { intent: 'research', count: 1, percentage: 50 },
          ],
          avg_time_to_route_hours: 18,
          manual_review_count: 0,
          manual_review_percentage: 0,
        },
        {
          period: '2025-03',
          total_routed: 0,
          by_pipeline: [],
          by_intent: [],
          avg_time_to_route_hours: null,
          manual_review_count: 0,
          manual_review_percentage: 0,
        },
      ],
      pipeline_distribution: [
        { pipeline_name: 'Research Lab', count: 2, percentage: 66.67 },
        { pipeline_name: 'B2B Lab Enablement', count: 1, percentage: 33.33 },
      ],
    });
    const february = await report<RoutingEffectivenessReport>(Queries.LeadsReportRoutingEffectiveness, {
      start_date: '2025-02-01',
      end_date: '2025-02-28',
    });
    expect(february).toMatchObject({
      total_leads: 2,
      routed_count: 2,
      routing_rate: 100,
      avg_score_at_routing: 92.5,
      avg_time_to_route_hours: 18,
    });
    expect(february.routing_by_period.map((p) => p.period)).toEqual(['2025-02']);
  });

  it('summary: leads and deals now, what happened in the period, campaigns as attributed', async () => {
    const now = {
      leads: { total: 7, avg_score: 62.14, hot_leads: 3, routing_rate: 42.86 },
      deals: { total: 6, open: 3, won: 2, win_rate: 66.67, total_value: 2150, open_value: 600 },
      campaigns: { total: 3, active: 3, total_spent: 0, overall_roi: null },
    };
    const all = await report<ReportsSummary>(Queries.LeadsReportSummary);
    expect(all).toEqual({
      leads: { ...now.leads, new_in_period: 7 },
      deals: { ...now.deals, created_in_period: 6, won_in_period: 2 },
      campaigns: now.campaigns,
    });
    const february = await report<ReportsSummary>(Queries.LeadsReportSummary, {
      start_date: '2025-02-01',
      end_date: '2025-02-28',
    });
    // L4, L5; D1, D4 created; D1 won on 15 February (D6 on 29 January).
    expect(february).toEqual({
      leads: { ...now.leads, new_in_period: 2 },
      deals: { ...now.deals, created_in_period: 2, won_in_period: 1 },
      campaigns: now.campaigns,
    });
    const march = await report<ReportsSummary>(Queries.LeadsReportSummary, { start_date: '2025-03-01' });
    expect(march.deals).toMatchObject({ created_in_period: 1, won_in_period: 0 });
  });

  it('answers 400 for bad dates or a start after the end, 404 for an unknown pipeline', async () => {
    for (const query of [
      { start_date: 'yesterday' },
      { end_date: '2025-02-30' },
      { start_date: '2025-01-01T25:00:00Z' },
      { start_date: '2025-02-01', end_date: '2025-01-31' },
      { start_date: '2025-01-31T12:00:00Z', end_date: '2025-01-31T11:59:59Z' },
    ]) {
      for (const subject of [Queries.LeadsReportLeadsByScore, Queries.LeadsReportSummary]) {
        expect(await app.request(subject, query)).toMatchObject({
          ok: false,
          error: { status: 400, code: 'VALIDATION_ERROR' },
        });
      }
    }
    // The same day as start and end is a whole day, not an empty range.
    expect(
      await app.request(Queries.LeadsReportLeadsByScore, {
        start_date: '2025-01-31T12:00:00Z',
        end_date: '2025-01-31',
      }),
    ).toMatchObject({ ok: true });
    expect(await app.request(Queries.LeadsReportPipelineFunnel, { pipeline_id: randomUUID() })).toMatchObject(
      {
        ok: false,
        error: { status: 404, code: 'NOT_FOUND' },
      },
    );
    expect(await app.request(Queries.LeadsReportPipelineFunnel, { pipeline_id: 'b2b' })).toMatchObject({
      ok: false,
      error: { status: 400, code: 'VALIDATION_ERROR' },
    });
  });

  it('routing records the score a lead had when it was routed', async () => {
    await app.sql('UPDATE leads.leads SET total_score = 60, score_tier = $2 WHERE id = $1', [
      leadIds.L6,
      'warm',
    ]);
    await app.call(Queries.LeadsRouteManually, {
      actor: USER,
      lead_id: leadIds.L6,
      body: { pipeline_id: pipelines['panel-co-creation'].id },
    });
    // Later scores do not change it.
    await app.sql('UPDATE leads.leads SET total_score = 10, score_tier = $2 WHERE id = $1', [
      leadIds.L6,
      'cold',
    ]);
    const [row] = await app.sql<{ routed_score: number }>(
      'SELECT routed_score FROM leads.leads WHERE id = $1',
      [leadIds.L6],
    );
    expect(row.routed_score).toBe(60);
    const routing = await report<RoutingEffectivenessReport>(Queries.LeadsReportRoutingEffectiveness);
    expect(routing).toMatchObject({ routed_count: 4, avg_score_at_routing: 72.5 }); // (45 + 100 + 85 + 60) / 4
  });

  function campaign(name: string) {
    return { campaign_id: name, campaign_name: name, utm_campaign: name };
  }

  function stage(
    st: StageView,
    dealCount: number,
    totalValue: number,
    avgValue: number,
    avgDays: number | null,
    conversion: number,
  ) {
    return {
      stage_id: st.id,
      stage_name: st.name,
      position: st.position,
      deal_count: dealCount,
      total_value: totalValue,
      avg_value: avgValue,
      avg_time_in_stage_days: avgDays,
      conversion_rate: conversion,
    };
  }
});
