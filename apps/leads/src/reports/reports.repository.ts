import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';

/** Inclusive bounds on `created_at`, as timestamptz literals (api.md §18); absent = open. */
export interface ReportPeriod {
  from?: string;
  to?: string;
}

/**
 * `column` (a timestamptz) within the period, its parameters numbered after those already in `params`; a bounded
 * period can use the (created_at) indexes of leads and deals.
 */
function inPeriod(column: string, period: ReportPeriod, params: unknown[]): string {
  const conditions: string[] = [];
  if (period.from !== undefined) {
    params.push(period.from);
    conditions.push(`${column} >= $${params.length}::timestamptz`);
  }
  if (period.to !== undefined) {
    params.push(period.to);
    conditions.push(`${column} <= $${params.length}::timestamptz`);
  }
  return conditions.length ? conditions.join(' AND ') : 'true';
}

/**
 * The reports of api.md §18, each an aggregate query over leads, deals and stage history: rows are counted,
 * summed and averaged in PostgreSQL, never loaded.
 */
@Injectable()
export class ReportsRepository {
  constructor(private readonly tx: TransactionHost) {}

  private query<R>(sql: string, params: unknown[]): Promise<R[]> {
    return this.tx.manager.query(sql, params);
  }

  /** Per tier (rows with a tier) and over all leads (the row with `tier` null). */
  leadsByTier(period: ReportPeriod): Promise<
    {
      tier: string | null;
      count: number;
      avg_total: number | null;
      avg_demographic: number | null;
      avg_engagement: number | null;
      avg_behavior: number | null;
    }[]
  > {
    const params: unknown[] = [];
    return this.query(
      `SELECT CASE WHEN grouping(l.score_tier) = 0 THEN l.score_tier END AS tier, count(*)::int AS count,
              avg(l.total_score)::float8 AS avg_total, avg(l.demographic_score)::float8 AS avg_demographic,
              avg(l.engagement_score)::float8 AS avg_engagement, avg(l.behavior_score)::float8 AS avg_behavior
         FROM leads l WHERE ${inPeriod('l.created_at', period, params)}
        GROUP BY GROUPING SETS ((l.score_tier), ())`,
      params,
    );
  }

  /**
   * Per primary intent (`total` false; intent null = no intent) and over all leads (`total` true, with the
   * conflicts: the runner-up intent has points and trails the first by less than `margin`).
   */
  leadsByIntent(
    period: ReportPeriod,
    margin: number,
  ): Promise<
    {
      total: boolean;
      intent: string | null;
      count: number;
      avg_confidence: number | null;
      routed: number;
      conflicts: number;
    }[]
  > {
    const params: unknown[] = [margin];
    // The points are read once per lead (OFFSET 0 keeps the planner from inlining them into every use), and only
    // of leads with an intent: without one, no intent has points, so there is no conflict.
    const points = (intent: string) =>
      `CASE WHEN l.primary_intent IS NULL THEN 0 ELSE coalesce((l.intent_summary ->> '${intent}')::numeric, 0) END`;
    return this.query(
      `SELECT grouping(p.primary_intent) = 1 AS total, p.primary_intent AS intent, count(*)::int AS count,
              avg(p.intent_confidence)::float8 AS avg_confidence,
              count(*) FILTER (WHERE p.routing_status = 'routed')::int AS routed,
              count(*) FILTER (WHERE p.r + p.b + p.c - greatest(p.r, p.b, p.c) - least(p.r, p.b, p.c) > 0
                                 AND 2 * greatest(p.r, p.b, p.c) + least(p.r, p.b, p.c) - p.r - p.b - p.c < $1
                              )::int AS conflicts
         FROM (SELECT l.primary_intent, l.intent_confidence, l.routing_status,
                      ${points('research')} AS r, ${points('b2b')} AS b, ${points('co_creation')} AS c
                 FROM leads l WHERE ${inPeriod('l.created_at', period, params)} OFFSET 0) p
        GROUP BY GROUPING SETS ((p.primary_intent), ())`,
      params,
    );
  }

  /** The pipelines of the funnel: the one asked for, else the active ones and any with deals in the period. */
  funnelPipelines(
    period: ReportPeriod,
    pipelineId: string | undefined,
  ): Promise<
    {
      pipeline_id: string;
      pipeline_name: string;
      total: number;
      open: number;
      won: number;
      lost: number;
      total_value: number;
      won_value: number;
      avg_cycle_days: number | null;
    }[]
  > {
    const params: unknown[] = [pipelineId ?? null];
    return this.query(
      `SELECT p.id AS pipeline_id, p.name AS pipeline_name, count(d.id)::int AS total,
              count(d.id) FILTER (WHERE d.status = 'open')::int AS open,
              count(d.id) FILTER (WHERE d.status = 'won')::int AS won,
              count(d.id) FILTER (WHERE d.status = 'lost')::int AS lost,
              coalesce(sum(d.value), 0)::float8 AS total_value,
              coalesce(sum(d.value) FILTER (WHERE d.status = 'won'), 0)::float8 AS won_value,
              (avg(extract(epoch FROM d.closed_at - d.created_at)) FILTER (WHERE d.closed_at IS NOT NULL)
                / 86400)::float8 AS avg_cycle_days
         FROM pipelines p
         LEFT JOIN deals d ON d.pipeline_id = p.id AND ${inPeriod('d.created_at', period, params)}
        WHERE ($1::uuid IS NULL OR p.id = $1::uuid)
        GROUP BY p.id
       HAVING $1::uuid IS NOT NULL OR p.is_active OR count(d.id) > 0
        ORDER BY p.is_default DESC, p.created_at, p.name`,
      params,
    );
  }

  /**
   * Every stage of the pipelines, in board order, with the deals (created in the period) now in it; the average
   * days of the stays that ended by a move out of it (stage history); and how many deals entered it and how many
   * of those, after they first did, reached a later stage other than a lost one, or were won.
   *
   * One pass over the deals' history, in (deal_id, moved_at) order: `furthest_later` is the furthest a deal got
   * after each row (a won row counts as beyond every stage, a lost stage as nowhere). A deal that entered a stage
   * converted when the furthest it got after its first entry lies beyond the stage; that is the largest
   * `furthest_later` of its entries, so no row needs to know which entry was the first.
   */
  funnelStages(
    period: ReportPeriod,
    pipelineIds: string[],
  ): Promise<
    {
      pipeline_id: string;
      stage_id: string;
      stage_name: string;
      position: number;
      deal_count: number;
      total_value: number;
      avg_stay_days: number | null;
      entered: number;
      converted: number;
    }[]
  > {
    const params: unknown[] = [pipelineIds];
    return this.query(
      `WITH scoped AS (
         SELECT d.id, d.stage_id, d.value FROM deals d
          WHERE d.pipeline_id = ANY($1::uuid[]) AND ${inPeriod('d.created_at', period, params)}
       ), current AS (
         SELECT stage_id, count(*)::int AS deal_count, coalesce(sum(value), 0) AS total_value
           FROM scoped GROUP BY stage_id
       ), stays AS (
         SELECT h.from_stage_id AS stage_id, avg(h.time_in_previous_stage_seconds) / 86400 AS days
           FROM deal_stage_history h JOIN scoped ON scoped.id = h.deal_id
          WHERE h.from_stage_id <> h.to_stage_id AND h.time_in_previous_stage_seconds IS NOT NULL
          GROUP BY h.from_stage_id
       ), history AS (
         SELECT h.deal_id, h.to_stage_id, s.position,
                max(CASE WHEN h.to_status = 'won' THEN 2147483647
                         WHEN s.stage_type = 'closed_lost' THEN 0
                         ELSE s.position END)
                  OVER (PARTITION BY h.deal_id ORDER BY h.moved_at
                        ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS furthest_later
           FROM deal_stage_history h
           JOIN scoped ON scoped.id = h.deal_id
           JOIN stages s ON s.id = h.to_stage_id
       ), entries AS (
         SELECT to_stage_id AS stage_id, max(position) AS position, max(furthest_later) AS furthest
           FROM history GROUP BY deal_id, to_stage_id
       ), conversions AS (
         SELECT stage_id, count(*)::int AS entered, count(*) FILTER (WHERE furthest > position)::int AS converted
           FROM entries GROUP BY stage_id
       )
       SELECT s.pipeline_id, s.id AS stage_id, s.name AS stage_name, s.position,
              coalesce(c.deal_count, 0) AS deal_count, coalesce(c.total_value, 0)::float8 AS total_value,
              st.days::float8 AS avg_stay_days, coalesce(v.entered, 0) AS entered,
              coalesce(v.converted, 0) AS converted
         FROM stages s
         LEFT JOIN current c ON c.stage_id = s.id
         LEFT JOIN stays st ON st.stage_id = s.id
         LEFT JOIN conversions v ON v.stage_id = s.id
        WHERE s.pipeline_id = ANY($1::uuid[])
        ORDER BY s.position, s.created_at`,
      params,
    );
  }

  /**
   * Per first- or last-touch campaign of the leads created in the period: the leads with it as either touch, as
   * first, as last; the deals of the leads with it as first touch, and the value of those that were won. A lead
   * with the same campaign as both touches counts once among its leads.
   */
  campaigns(period: ReportPeriod): Promise<
    {
      campaign: string;
      leads: number;
      first_touch_leads: number;
      last_touch_leads: number;
      deals: number;
      revenue: number;
    }[]
  > {
    const params: unknown[] = [];
    const where = inPeriod('l.created_at', period, params);
    return this.query(
      `WITH touches AS (
         SELECT NULLIF(l.first_touch_campaign, '') AS campaign, 1 AS first_touch, 0 AS last_touch,
                (l.first_touch_campaign = l.last_touch_campaign)::int AS both_touches
           FROM leads l WHERE NULLIF(l.first_touch_campaign, '') IS NOT NULL AND ${where}
         UNION ALL
         SELECT NULLIF(l.last_touch_campaign, ''), 0, 1, 0
           FROM leads l WHERE NULLIF(l.last_touch_campaign, '') IS NOT NULL AND ${where}
       ), lead_figures AS (
         SELECT campaign, (sum(first_touch) + sum(last_touch) - coalesce(sum(both_touches), 0))::int AS leads,
                sum(first_touch)::int AS first_touch_leads, sum(last_touch)::int AS last_touch_leads
           FROM touches GROUP BY campaign
       ), deal_figures AS (
         SELECT l.first_touch_campaign AS campaign, count(*)::int AS deals,
                coalesce(sum(d.value) FILTER (WHERE d.status = 'won'), 0) AS revenue
           FROM deals d JOIN leads l ON l.id = d.lead_id
          WHERE NULLIF(l.first_touch_campaign, '') IS NOT NULL AND ${where}
          GROUP BY l.first_touch_campaign
       )
       SELECT lf.campaign, lf.leads, lf.first_touch_leads, lf.last_touch_leads, coalesce(df.deals, 0) AS deals,
              coalesce(df.revenue, 0)::float8 AS revenue
         FROM lead_figures lf LEFT JOIN deal_figures df ON df.campaign = lf.campaign
        ORDER BY lf.leads DESC, lf.campaign`,
      params,
    );
  }

  /** Leads created in the period with a first- or last-touch campaign. */
  async attributedLeads(period: ReportPeriod): Promise<number> {
    const params: unknown[] = [];
    const [row] = await this.query<{ leads: number }>(
      `SELECT count(*)::int AS leads FROM leads l
        WHERE ${inPeriod('l.created_at', period, params)}
          AND (NULLIF(l.first_touch_campaign, '') IS NOT NULL OR NULLIF(l.last_touch_campaign, '') IS NOT NULL)`,
      params,
    );
    return row.leads;
  }

  /** How many distinct first- or last-touch campaigns the leads created in the period name. */
  async campaignCount(period: ReportPeriod): Promise<number> {
    const params: unknown[] = [];
    const where = inPeriod('l.created_at', period, params);
    const [row] = await this.query<{ campaigns: number }>(
      `SELECT count(*)::int AS campaigns FROM (
         SELECT NULLIF(l.first_touch_campaign, '') AS campaign FROM leads l WHERE ${where}
         UNION
         SELECT NULLIF(l.last_touch_campaign, '') FROM leads l WHERE ${where}
       ) c WHERE campaign IS NOT NULL`,
      params,
    );
    return row.campaigns;
  }

  /** The most frequent first-touch sources of the leads created in the period, and how many have one at all. */
  topSources(
    period: ReportPeriod,
    limit: number,
  ): Promise<{ source: string; lead_count: number; with_source: number }[]> {
    const params: unknown[] = [limit];
    return this.query(
      `SELECT l.first_touch_source AS source, count(*)::int AS lead_count,
              (sum(count(*)) OVER ())::int AS with_source
         FROM leads l
        WHERE l.first_touch_source IS NOT NULL AND ${inPeriod('l.created_at', period, params)}
        GROUP BY l.first_touch_source
        ORDER BY lead_count DESC, source
        LIMIT $1`,
      params,
    );
  }

  /** Routing status counts, the average score at routing and time to route (hours) of the routed leads. */
  async routingTotals(period: ReportPeriod): Promise<{
    total: number;
    routed: number;
    unrouted: number;
    manual_review: number;
    avg_routed_score: number | null;
    avg_hours_to_route: number | null;
  }> {
    const params: unknown[] = [];
    const [row] = await this.query<Awaited<ReturnType<ReportsRepository['routingTotals']>>>(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE l.routing_status = 'routed')::int AS routed,
              count(*) FILTER (WHERE l.routing_status = 'unrouted')::int AS unrouted,
              count(*) FILTER (WHERE l.routing_status = 'manual_review')::int AS manual_review,
              (avg(l.routed_score) FILTER (WHERE l.routing_status = 'routed'))::float8 AS avg_routed_score,
              (avg(extract(epoch FROM l.routed_at - l.created_at))
                 FILTER (WHERE l.routing_status = 'routed') / 3600)::float8 AS avg_hours_to_route
         FROM leads l WHERE ${inPeriod('l.created_at', period, params)}`,
      params,
    );
    return row;
  }

  /** Per month of creation (UTC, `YYYY-MM`): leads, routed leads, their time to route, leads in manual review. */
  routingByMonth(period: ReportPeriod): Promise<
    {
      period: string;
      total: number;
      routed: number;
      manual_review: number;
      avg_hours_to_route: number | null;
    }[]
  > {
    const params: unknown[] = [];
    return this.query(
      `SELECT to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS period, count(*)::int AS total,
              count(*) FILTER (WHERE l.routing_status = 'routed')::int AS routed,
              count(*) FILTER (WHERE l.routing_status = 'manual_review')::int AS manual_review,
              (avg(extract(epoch FROM l.routed_at - l.created_at))
                 FILTER (WHERE l.routing_status = 'routed') / 3600)::float8 AS avg_hours_to_route
         FROM leads l WHERE ${inPeriod('l.created_at', period, params)}
        GROUP BY 1 ORDER BY 1`,
      params,
    );
  }

  /**
   * Routed leads per pipeline and per primary intent, within each month of creation (`period` set) and over the
   * whole period (`period` null, pipelines only).
   */
  routedShares(period: ReportPeriod): Promise<
    {
      period: string | null;
      pipeline_name: string | null;
      intent: string | null;
      by: 'pipeline' | 'intent';
      count: number;
    }[]
  > {
    const params: unknown[] = [];
    return this.query(
      `SELECT CASE WHEN grouping(m.month) = 0 THEN m.month END AS period,
              CASE WHEN grouping(p.name) = 0 THEN p.name END AS pipeline_name,
              CASE WHEN grouping(l.primary_intent) = 0 THEN l.primary_intent END AS intent,
              CASE WHEN grouping(p.name) = 0 THEN 'pipeline' ELSE 'intent' END AS by,
              count(*)::int AS count
         FROM leads l
         LEFT JOIN pipelines p ON p.id = l.pipeline_id
        CROSS JOIN LATERAL (SELECT to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month) m
        WHERE l.routing_status = 'routed' AND ${inPeriod('l.created_at', period, params)}
        GROUP BY GROUPING SETS ((m.month, p.name), (m.month, l.primary_intent), (p.name))
        ORDER BY count DESC, pipeline_name, intent`,
      params,
    );
  }

  /** All leads now, and those created in the period. */
  async leadSummary(period: ReportPeriod): Promise<{
    total: number;
    new_in_period: number;
    avg_score: number | null;
    hot: number;
    routed: number;
  }> {
    const params: unknown[] = [];
    const [row] = await this.query<Awaited<ReturnType<ReportsRepository['leadSummary']>>>(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE ${inPeriod('l.created_at', period, params)})::int AS new_in_period,
              avg(l.total_score)::float8 AS avg_score,
              count(*) FILTER (WHERE l.score_tier IN ('hot', 'very_hot'))::int AS hot,
              count(*) FILTER (WHERE l.routing_status = 'routed')::int AS routed
         FROM leads l`,
      params,
    );
    return row;
  }

  /** All deals now, those created in the period, and those won (closed) in it. */
  async dealSummary(period: ReportPeriod): Promise<{
    total: number;
    created_in_period: number;
    open: number;
    won: number;
    lost: number;
    won_in_period: number;
    total_value: number;
    open_value: number;
  }> {
    const params: unknown[] = [];
    const created = inPeriod('d.created_at', period, params);
    const closed = inPeriod('d.closed_at', period, params);
    const [row] = await this.query<Awaited<ReturnType<ReportsRepository['dealSummary']>>>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE ${created})::int AS created_in_period,
              count(*) FILTER (WHERE d.status = 'open')::int AS open,
              count(*) FILTER (WHERE d.status = 'won')::int AS won,
              count(*) FILTER (WHERE d.status = 'lost')::int AS lost,
              count(*) FILTER (WHERE d.status = 'won' AND ${closed})::int AS won_in_period,
              coalesce(sum(d.value), 0)::float8 AS total_value,
              coalesce(sum(d.value) FILTER (WHERE d.status = 'open'), 0)::float8 AS open_value
         FROM deals d`,
      params,
    );
    return row;
  }
}
