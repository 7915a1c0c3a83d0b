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

/** A lead's first- and last-touch campaign, blank ones as none. */
const CAMPAIGN_TOUCHES = `CROSS JOIN LATERAL (VALUES (NULLIF(l.first_touch_campaign, ''), true, false),
                                        (NULLIF(l.last_touch_campaign, ''), false, true))
                        AS t(campaign, first_touch, last_touch)`;

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
    return this.query(
      `SELECT grouping(l.primary_intent) = 1 AS total, l.primary_intent AS intent, count(*)::int AS count,
              avg(l.intent_confidence)::float8 AS avg_confidence,
              count(*) FILTER (WHERE l.routing_status = 'routed')::int AS routed,
              count(*) FILTER (WHERE p.runner_up > 0 AND p.first - p.runner_up < $1)::int AS conflicts
         FROM leads l
        CROSS JOIN LATERAL (
          SELECT greatest(r, b, c) AS first, r + b + c - greatest(r, b, c) - least(r, b, c) AS runner_up
            FROM (SELECT coalesce((l.intent_summary ->> 'research')::numeric, 0) AS r,
                         coalesce((l.intent_summary ->> 'b2b')::numeric, 0) AS b,
                         coalesce((l.intent_summary ->> 'co_creation')::numeric, 0) AS c) points
        ) p
        WHERE ${inPeriod('l.created_at', period, params)}
        GROUP BY GROUPING SETS ((l.primary_intent), ())`,
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
       ), entries AS (
         SELECT h.deal_id, h.to_stage_id AS stage_id, min(h.moved_at) AS entered_at
           FROM deal_stage_history h JOIN scoped ON scoped.id = h.deal_id
          GROUP BY h.deal_id, h.to_stage_id
       ), conversions AS (
         SELECT e.stage_id, count(*)::int AS entered,
                count(*) FILTER (WHERE EXISTS (
                  SELECT 1 FROM deal_stage_history later JOIN stages reached ON reached.id = later.to_stage_id
                   WHERE later.deal_id = e.deal_id AND later.moved_at > e.entered_at
                     AND (later.to_status = 'won'
                          OR (reached.position > s.position AND reached.stage_type IS DISTINCT FROM 'closed_lost'))
                ))::int AS converted
           FROM entries e JOIN stages s ON s.id = e.stage_id
          GROUP BY e.stage_id
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
   * first, as last; the deals of the leads with it as first touch, and the value of those that were won.
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
    return this.query(
      `WITH touches AS (
         SELECT t.campaign, l.id AS lead_id, bool_or(t.first_touch) AS first_touch,
                bool_or(t.last_touch) AS last_touch
           FROM leads l ${CAMPAIGN_TOUCHES}
          WHERE t.campaign IS NOT NULL AND ${inPeriod('l.created_at', period, params)}
          GROUP BY t.campaign, l.id
       ), deal_figures AS (
         SELECT t.campaign, count(d.id)::int AS deals,
                coalesce(sum(d.value) FILTER (WHERE d.status = 'won'), 0) AS revenue
           FROM touches t JOIN deals d ON d.lead_id = t.lead_id
          WHERE t.first_touch
          GROUP BY t.campaign
       )
       SELECT t.campaign, count(*)::int AS leads,
              count(*) FILTER (WHERE t.first_touch)::int AS first_touch_leads,
              count(*) FILTER (WHERE t.last_touch)::int AS last_touch_leads,
              coalesce(max(f.deals), 0) AS deals, coalesce(max(f.revenue), 0)::float8 AS revenue
         FROM touches t LEFT JOIN deal_figures f ON f.campaign = t.campaign
        GROUP BY t.campaign
        ORDER BY leads DESC, t.campaign`,
      params,
    );
  }

  /** Leads created in the period with a first- or last-touch campaign, and how many campaigns they name. */
  async attributedLeads(period: ReportPeriod): Promise<{ leads: number; campaigns: number }> {
    const params: unknown[] = [];
    const [row] = await this.query<{ leads: number; campaigns: number }>(
      `SELECT count(DISTINCT l.id)::int AS leads, count(DISTINCT t.campaign)::int AS campaigns
         FROM leads l ${CAMPAIGN_TOUCHES}
        WHERE t.campaign IS NOT NULL AND ${inPeriod('l.created_at', period, params)}`,
      params,
    );
    return row;
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
