import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  PipelineFunnelQuery,
  Queries,
  ReportPeriodQuery,
  type CampaignAttributionReport,
  type LeadsByIntentReport,
  type LeadsByScoreReport,
  type PipelineFunnelReport,
  type ReportsSummary,
  type RoutingEffectivenessReport,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { ReportsService } from './reports.service';

/** The gateway's report queries (api.md §18). */
@Controller()
export class ReportsMessageController {
  constructor(private readonly reports: ReportsService) {}

  @OnRequest(Queries.LeadsReportLeadsByScore)
  leadsByScore(@Payload(ContractValidationPipe) query: ReportPeriodQuery): Promise<LeadsByScoreReport> {
    return this.reports.leadsByScore(query);
  }

  @OnRequest(Queries.LeadsReportLeadsByIntent)
  leadsByIntent(@Payload(ContractValidationPipe) query: ReportPeriodQuery): Promise<LeadsByIntentReport> {
    return this.reports.leadsByIntent(query);
  }

  @OnRequest(Queries.LeadsReportPipelineFunnel)
  pipelineFunnel(@Payload(ContractValidationPipe) query: PipelineFunnelQuery): Promise<PipelineFunnelReport> {
    return this.reports.pipelineFunnel(query);
  }

  @OnRequest(Queries.LeadsReportCampaignAttribution)
  campaignAttribution(
    @Payload(ContractValidationPipe) query: ReportPeriodQuery,
  ): Promise<CampaignAttributionReport> {
    return this.reports.campaignAttribution(query);
  }

  @OnRequest(Queries.LeadsReportRoutingEffectiveness)
  routingEffectiveness(
    @Payload(ContractValidationPipe) query: ReportPeriodQuery,
  ): Promise<RoutingEffectivenessReport> {
    return this.reports.routingEffectiveness(query);
  }

  @OnRequest(Queries.LeadsReportSummary)
  summary(@Payload(ContractValidationPipe) query: ReportPeriodQuery): Promise<ReportsSummary> {
    return this.reports.summary(query);
  }
}
