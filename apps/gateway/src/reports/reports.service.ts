import { Injectable } from '@nestjs/common';
import {
  PipelineFunnelQuery,
  Queries,
  ReportPeriodQuery,
  type CampaignAttributionReport,
  type LeadsByIntentReport,
  type LeadsByScoreReport,
  type PipelineFunnelReport,
  type QuerySubject,
  type ReportsSummary,
  type RoutingEffectivenessReport,
} from '@crm/contracts';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';

/** Reports are computed by the leads service, which holds leads, deals and the score read model (api.md §18). */
@Injectable()
export class ReportsService {
  constructor(private readonly rpc: GatewayRpc) {}

  leadsByScore(query: unknown): Promise<LeadsByScoreReport> {
    return this.forPeriod(Queries.LeadsReportLeadsByScore, query);
  }

  leadsByIntent(query: unknown): Promise<LeadsByIntentReport> {
    return this.forPeriod(Queries.LeadsReportLeadsByIntent, query);
  }

  pipelineFunnel(query: unknown): Promise<PipelineFunnelReport> {
    return this.rpc.request(Queries.LeadsReportPipelineFunnel, validateInput(PipelineFunnelQuery, query));
  }

  campaignAttribution(query: unknown): Promise<CampaignAttributionReport> {
    return this.forPeriod(Queries.LeadsReportCampaignAttribution, query);
  }

  routingEffectiveness(query: unknown): Promise<RoutingEffectivenessReport> {
    return this.forPeriod(Queries.LeadsReportRoutingEffectiveness, query);
  }

  summary(query: unknown): Promise<ReportsSummary> {
    return this.forPeriod(Queries.LeadsReportSummary, query);
  }

  private forPeriod<T>(subject: QuerySubject, query: unknown): Promise<T> {
    return this.rpc.request(subject, validateInput(ReportPeriodQuery, query));
  }
}
