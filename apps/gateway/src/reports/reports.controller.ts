import { Controller, Get, Query } from '@nestjs/common';
import {
  type CampaignAttributionReport,
  type LeadsByIntentReport,
  type LeadsByScoreReport,
  type PipelineFunnelReport,
  type ReportsSummary,
  type RoutingEffectivenessReport,
  PipelineFunnelQuery,
  ReportPeriodQuery,
} from '@crm/contracts';
import { API_PREFIX } from '../http/api-prefix';
import { ReportsService } from './reports.service';
import { ContractQuery } from '../openapi/contract-schema.decorators';

/** api.md §18: any member or a `read` key; `start_date`/`end_date` bound the records' creation. */
@Controller(`${API_PREFIX}/reports`)
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('leads-by-score')
  @ContractQuery(ReportPeriodQuery)
  leadsByScore(@Query() query: unknown): Promise<LeadsByScoreReport> {
    return this.reports.leadsByScore(query);
  }

  @Get('leads-by-intent')
  @ContractQuery(ReportPeriodQuery)
  leadsByIntent(@Query() query: unknown): Promise<LeadsByIntentReport> {
    return this.reports.leadsByIntent(query);
  }

  @Get('pipeline-funnel')
  @ContractQuery(PipelineFunnelQuery)
  pipelineFunnel(@Query() query: unknown): Promise<PipelineFunnelReport> {
    return this.reports.pipelineFunnel(query);
  }

  @Get('campaign-attribution')
  @ContractQuery(ReportPeriodQuery)
  campaignAttribution(@Query() query: unknown): Promise<CampaignAttributionReport> {
    return this.reports.campaignAttribution(query);
  }

  @Get('routing-effectiveness')
  @ContractQuery(ReportPeriodQuery)
  routingEffectiveness(@Query() query: unknown): Promise<RoutingEffectivenessReport> {
    return this.reports.routingEffectiveness(query);
  }

  @Get('summary')
  @ContractQuery(ReportPeriodQuery)
  summary(@Query() query: unknown): Promise<ReportsSummary> {
    return this.reports.summary(query);
  }
}
