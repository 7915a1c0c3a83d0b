import { IsOptional, IsUUID, registerDecorator, type ValidationOptions } from 'class-validator';
import type { Intent, ScoreTier } from '../enums';
import { IsRfc3339OrDate } from '../validators';
import type { PipelineMetricsView } from '../views/views';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 3600 * 1000;

/**
 * The instants a report period spans (api.md §18): a `YYYY-MM-DD` start is that day's first instant (UTC), a
 * `YYYY-MM-DD` end takes in that whole day; a date-time bound is that instant. Both bounds are inclusive.
 * `from`/`to` are for SQL (microsecond precision), `fromMs`/`toMs` for comparisons.
 */
export function reportPeriodBounds(start?: string, end?: string) {
  const from = start === undefined ? undefined : DATE_ONLY.test(start) ? `${start}T00:00:00.000000Z` : start;
  const to = end === undefined ? undefined : DATE_ONLY.test(end) ? `${end}T23:59:59.999999Z` : end;
  return {
    from,
    to,
    fromMs: from === undefined ? undefined : Date.parse(start!),
    toMs:
      to === undefined ? undefined : DATE_ONLY.test(end!) ? Date.parse(end!) + DAY_MS - 1 : Date.parse(end!),
  };
}

/** `end_date` must not lie before `start_date` (a date end covers its whole day). */
function IsNotBeforeStartDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isNotBeforeStartDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must not be before start_date', ...options },
      validator: {
        validate: (value: unknown, args) => {
          const start = (args?.object as { start_date?: unknown }).start_date;
          if (typeof value !== 'string' || typeof start !== 'string') return true;
          const { fromMs, toMs } = reportPeriodBounds(start, value);
          // Malformed bounds are reported by their own format check.
          return Number.isNaN(fromMs) || Number.isNaN(toMs) || fromMs! <= toMs!;
        },
      },
    });
}

/** Every report of api.md §18: leads (or deals) created in [start_date, end_date]. */
export class ReportPeriodQuery {
  @IsOptional() @IsRfc3339OrDate() start_date?: string;
  @IsOptional() @IsRfc3339OrDate() @IsNotBeforeStartDate() end_date?: string;
}

/** `GET /reports/pipeline-funnel?pipeline_id`: one pipeline (404 when unknown), else every pipeline. */
export class PipelineFunnelQuery extends ReportPeriodQuery {
  @IsOptional() @IsUUID() pipeline_id?: string;
}

export interface LeadsByScoreReport {
  total_leads: number;
  score_distribution: {
    tier: ScoreTier;
    count: number;
    percentage: number;
    avg_score: number;
    min_score_threshold: number;
    max_score_threshold: number | null;
  }[];
  avg_total_score: number;
  score_breakdown: { avg_demographic: number; avg_engagement: number; avg_behavior: number };
}

export interface LeadsByIntentReport {
  total_leads_with_intent: number;
  no_intent_count: number;
  intent_distribution: {
    intent: Intent;
    count: number;
    percentage: number;
    avg_confidence: number;
    routed_count: number;
    routed_percentage: number;
  }[];
  conflict_count: number;
}

export interface FunnelStage {
  stage_id: string;
  stage_name: string;
  position: number;
  deal_count: number;
  total_value: number;
  avg_value: number;
  avg_time_in_stage_days: number | null;
  conversion_rate: number;
}

/** The figures of `GET /pipelines/:id/metrics` but for `avg_deal_value`; here `win_rate` runs 0–100. */
export type PipelineFunnel = Omit<PipelineMetricsView, 'avg_deal_value' | 'stages'> & {
  stages: FunnelStage[];
};

export interface PipelineFunnelReport {
  data: PipelineFunnel[];
}

export interface CampaignAttribution {
  campaign_id: string;
  campaign_name: string;
  utm_campaign: string;
  status: 'active';
  leads_generated: number;
  first_touch_leads: number;
  last_touch_leads: number;
  deals_created: number;
  revenue_attributed: number;
  spent: number;
  roi: number | null;
  cost_per_lead: number | null;
}

export interface CampaignAttributionReport {
  total_campaigns: number;
  total_leads_attributed: number;
  total_revenue: number;
  total_spent: number;
  overall_roi: number | null;
  campaigns: CampaignAttribution[];
  top_sources: { source: string; lead_count: number; percentage: number }[];
}

export type PipelineShare = { pipeline_name: string; count: number; percentage: number };
export type IntentShare = { intent: Intent | null; count: number; percentage: number };

export interface RoutingEffectivenessReport {
  total_leads: number;
  routed_count: number;
  unrouted_count: number;
  pending_count: 0;
  manual_review_count: number;
  routing_rate: number;
  avg_score_at_routing: number | null;
  avg_time_to_route_hours: number | null;
  routing_by_period: {
    period: string;
    total_routed: number;
    by_pipeline: PipelineShare[];
    by_intent: IntentShare[];
    avg_time_to_route_hours: number | null;
    manual_review_count: number;
    manual_review_percentage: number;
  }[];
  pipeline_distribution: PipelineShare[];
}

export interface ReportsSummary {
  leads: { total: number; new_in_period: number; avg_score: number; hot_leads: number; routing_rate: number };
  deals: {
    total: number;
    created_in_period: number;
    open: number;
    won: number;
    won_in_period: number;
    win_rate: number;
    total_value: number;
    open_value: number;
  };
  campaigns: { total: number; active: number; total_spent: number; overall_roi: number | null };
}
