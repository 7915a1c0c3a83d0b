import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ByIdQuery, ListLeadsQuery, Queries, type Page } from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import type { LeadStatsView, LeadView } from '@crm/contracts';
import { LeadsQueryService } from './leads-query.service';

/** Request-reply queries of the gateway about leads. */
@Controller()
export class LeadsMessageController {
  constructor(private readonly leads: LeadsQueryService) {}

  @OnRequest(Queries.LeadsListLeads)
  list(@Payload(ContractValidationPipe) query: ListLeadsQuery): Promise<Page<LeadView>> {
    return this.leads.listLeads(query);
  }

  @OnRequest(Queries.LeadsLeadStats)
  stats(): Promise<LeadStatsView> {
    return this.leads.stats();
  }

  @OnRequest(Queries.LeadsGetLead)
  get(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<LeadView> {
    return this.leads.getLead(query.id);
  }
}
