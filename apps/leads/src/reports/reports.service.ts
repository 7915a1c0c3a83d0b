import { Injectable } from '@nestjs/common';
import {
  INTENTS,
  NotFoundError,
  reportPeriodBounds,
  SCORE_TIER_MINIMUMS,
  SCORE_TIERS,
  type CampaignAttributionReport,
  type Intent,
  type LeadsByIntentReport,
  type LeadsByScoreReport,
  type PipelineFunnelQuery,
  type PipelineFunnelReport,
  type PipelineShare,
  type ReportPeriodQuery,
  type ReportsSummary,
  type RoutingEffectivenessReport,
} from '@crm/contracts';
import { toMoney } from '../common/money';
import { PipelineRepository } from '../pipelines/pipeline.repository';
import { RoutingConfigService } from '../routing/routing-config.service';
import { ReportsRepository, type ReportPeriod } from './reports.repository';

const TOP_SOURCES = 10;

/**
 * The reports of api.md §18. Figures come aggregated from the repository; here they become the contract's shapes:
 * percentages (and rates) 0–100 with 2 decimals, averages with 2 decimals, money as numbers.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly pipelines: PipelineRepository,
    private readonly routingConfig: RoutingConfigService,
  ) {}

  /** Every tier, empty ones included, with the bounds of api.md §10 (the very_hot tier has no upper bound). */
  async leadsByScore(query: ReportPeriodQuery): Promise<LeadsByScoreReport> {
    const rows = await this.reports.leadsByTier(periodOf(query));
    const all = rows.find((row) => row.tier === null)!;
    return {
      total_leads: all.count,
      score_distribution: SCORE_TIERS.map((tier, i) => {
        const row = rows.find((r) => r.tier === tier);
        const next = SCORE_TIERS[i + 1];
        return {
          tier,
          count: row?.count ?? 0,
          percentage: percent(row?.count ?? 0, all.count),
          avg_score: round2(row?.avg_total ?? 0),
          min_score_threshold: SCORE_TIER_MINIMUMS[tier],
          max_score_threshold: next ? SCORE_TIER_MINIMUMS[next] - 1 : null,
        };
      }),
      avg_total_score: round2(all.avg_total ?? 0),
      score_breakdown: {
        avg_demographic: round2(all.avg_demographic ?? 0),
        avg_engagement: round2(all.avg_engagement ?? 0),
        avg_behavior: round2(all.avg_behavior ?? 0),
      },
    };
  }

  /** Conflicts as routing sees them: its configured margin between the first and the runner-up intent. */
  async leadsByIntent(query: ReportPeriodQuery): Promise<LeadsByIntentReport> {
    const { intent_confidence_margin } = await this.routingConfig.current();
    const rows = await this.reports.leadsByIntent(periodOf(query), intent_confidence_margin);
    const all = rows.find((row) => row.total)!;
    const withIntent = all.count - (rows.find((row) => !row.total && row.intent === null)?.count ?? 0);
    return {
      total_leads_with_intent: withIntent,
      no_intent_count: all.count - withIntent,
      intent_distribution: INTENTS.map((intent) => {
        const row = rows.find((r) => !r.total && r.intent === intent);
        return {
          intent,
          count: row?.count ?? 0,
          percentage: percent(row?.count ?? 0, withIntent),
          avg_confidence: round2(row?.avg_confidence ?? 0),
          routed_count: row?.routed ?? 0,
          routed_percentage: percent(row?.routed ?? 0, row?.count ?? 0),
        };
      }),
      conflict_count: all.conflicts,
    };
  }

  /** One pipeline (404 when unknown) or every active one and any with deals created in the period. */
  async pipelineFunnel(query: PipelineFunnelQuery): Promise<PipelineFunnelReport> {
    if (query.pipeline_id && !(await this.pipelines.findPipeline(query.pipeline_id))) {
      throw new NotFoundError('Pipeline', query.pipeline_id);
    }
    const period = periodOf(query);
    const pipelines = await this.reports.funnelPipelines(period, query.pipeline_id);
    const stages = pipelines.length
      ? await this.reports.funnelStages(
          period,
          pipelines.map((p) => p.pipeline_id),
        )
      : [];
    return {
      data: pipelines.map((p) => ({
        pipeline_id: p.pipeline_id,
        pipeline_name: p.pipeline_name,
        total_deals: p.total,
        open_deals: p.open,
        won_deals: p.won,
        lost_deals: p.lost,
        total_value: toMoney(p.total_value)!,
        won_value: toMoney(p.won_value)!,
        win_rate: percent(p.won, p.won + p.lost),
        avg_sales_cycle_days: roundOrNull(p.avg_cycle_days),
        stages: stages
          .filter((s) => s.pipeline_id === p.pipeline_id)
          .map((s) => ({
            stage_id: s.stage_id,
            stage_name: s.stage_name,
            position: s.position,
            deal_count: s.deal_count,
            total_value: toMoney(s.total_value)!,
            avg_value: s.deal_count ? toMoney(s.total_value / s.deal_count)! : 0,
            avg_time_in_stage_days: roundOrNull(s.avg_stay_days),
            conversion_rate: percent(s.converted, s.entered),
          })),
      })),
    };
  }

  /**
   * Until campaign records are in the contract (api.md §18): one row per first- or last-touch `utm_campaign`,
   * with placeholder status, spend and ROI; revenue is the won deals of the leads it first touched.
   */
  async campaignAttribution(query: ReportPeriodQuery): Promise<CampaignAttributionReport> {
    const period = periodOf(query);
    const [campaigns, attributedLeads, sources] = await Promise.all([
      this.reports.campaigns(period),
      this.reports.attributedLeads(period),
      this.reports.topSources(period, TOP_SOURCES),
    ]);
    return {
      total_campaigns: campaigns.length,
      total_leads_attributed: attributedLeads,
      total_revenue: toMoney(campaigns.reduce((sum, c) => sum + c.revenue, 0))!,
      ...NO_CAMPAIGN_SPEND,
      campaigns: campaigns.map((c) => ({
        campaign_id: c.campaign,
        campaign_name: c.campaign,
        utm_campaign: c.campaign,
        status: 'active',
        leads_generated: c.leads,
        first_touch_leads: c.first_touch_leads,
        last_touch_leads: c.last_touch_leads,
        deals_created: c.deals,
        revenue_attributed: toMoney(c.revenue)!,
        spent: 0,
        roi: null,
        cost_per_lead: null,
      })),
      top_sources: sources.map((s) => ({
        source: s.source,
        lead_count: s.lead_count,
        percentage: percent(s.lead_count, s.with_source),
      })),
    };
  }

  /** Routing of the leads created in the period; `routing_by_period` by their month of creation (UTC). */
  async routingEffectiveness(query: ReportPeriodQuery): Promise<RoutingEffectivenessReport> {
    const period = periodOf(query);
    const [totals, months, shares] = await Promise.all([
      this.reports.routingTotals(period),
      this.reports.routingByMonth(period),
      this.reports.routedShares(period),
    ]);
    const pipelineShares = (month: string | null, routed: number): PipelineShare[] =>
      shares
        .filter((s) => s.by === 'pipeline' && s.period === month && s.pipeline_name !== null)
        .map((s) => ({
          pipeline_name: s.pipeline_name!,
          count: s.count,
          percentage: percent(s.count, routed),
        }));
    return {
      total_leads: totals.total,
      routed_count: totals.routed,
      unrouted_count: totals.unrouted,
      pending_count: 0,
      manual_review_count: totals.manual_review,
      routing_rate: percent(totals.routed, totals.total),
      avg_score_at_routing: roundOrNull(totals.avg_routed_score),
      avg_time_to_route_hours: roundOrNull(totals.avg_hours_to_route),
      routing_by_period: months.map((m) => ({
        period: m.period,
        total_routed: m.routed,
        by_pipeline: pipelineShares(m.period, m.routed),
        by_intent: shares
          .filter((s) => s.by === 'intent' && s.period === m.period)
          .map((s) => ({
            intent: s.intent as Intent | null,
            count: s.count,
            percentage: percent(s.count, m.routed),
          })),
        avg_time_to_route_hours: roundOrNull(m.avg_hours_to_route),
        manual_review_count: m.manual_review,
        manual_review_percentage: percent(m.manual_review, m.total),
      })),
      pipeline_distribution: pipelineShares(null, totals.routed),
    };
  }

  /**
   * Leads and deals as they are now, with what happened in the period (`new_in_period`, `created_in_period`:
   * created in it; `won_in_period`: closed as won in it); campaigns as in the attribution report, over all leads.
   */
  async summary(query: ReportPeriodQuery): Promise<ReportsSummary> {
    const period = periodOf(query);
    const [leads, deals, campaigns] = await Promise.all([
      this.reports.leadSummary(period),
      this.reports.dealSummary(period),
      this.reports.campaignCount({}),
    ]);
    return {
      leads: {
        total: leads.total,
        new_in_period: leads.new_in_period,
        avg_score: round2(leads.avg_score ?? 0),
        hot_leads: leads.hot,
        routing_rate: percent(leads.routed, leads.total),
      },
      deals: {
        total: deals.total,
        created_in_period: deals.created_in_period,
        open: deals.open,
        won: deals.won,
        won_in_period: deals.won_in_period,
        win_rate: percent(deals.won, deals.won + deals.lost),
        total_value: toMoney(deals.total_value)!,
        open_value: toMoney(deals.open_value)!,
      },
      campaigns: {
        total: campaigns,
        active: campaigns,
        total_spent: NO_CAMPAIGN_SPEND.total_spent,
        overall_roi: NO_CAMPAIGN_SPEND.overall_roi,
      },
    };
  }
}

/** No campaign records yet, so no spend and no ROI (api.md §18 placeholders). */
const NO_CAMPAIGN_SPEND = { total_spent: 0, overall_roi: null };

function periodOf(query: ReportPeriodQuery): ReportPeriod {
  const { from, to } = reportPeriodBounds(query.start_date, query.end_date);
  return { from, to };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : round2(value);
}

/** `part` of `whole` in percent, 2 decimals; 0 of nothing is 0. */
function percent(part: number, whole: number): number {
  return whole ? round2((part / whole) * 100) : 0;
}
