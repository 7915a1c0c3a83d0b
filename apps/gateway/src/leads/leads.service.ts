import { Injectable } from '@nestjs/common';
import { ListLeadsQuery, Queries, type LeadStatsView, type LeadView, type Page } from '@crm/contracts';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';

/** Leads are owned by the leads service (api.md §5); the gateway validates and forwards. */
@Injectable()
export class LeadsService {
  constructor(private readonly rpc: GatewayRpc) {}

  list(query: unknown): Promise<Page<LeadView>> {
    return this.rpc.request(Queries.LeadsListLeads, validateInput(ListLeadsQuery, query));
  }

  stats(): Promise<LeadStatsView> {
    return this.rpc.request(Queries.LeadsLeadStats, {});
  }

  get(id: string): Promise<LeadView> {
    return this.rpc.request(Queries.LeadsGetLead, { id });
  }
}
