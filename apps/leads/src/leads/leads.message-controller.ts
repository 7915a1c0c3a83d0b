import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ByIdQuery,
  CreateLeadCommand,
  ExportLeadsQuery,
  ListLeadsQuery,
  Queries,
  UpdateLeadCommand,
  type Page,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import type { LeadStatsView, LeadView } from '@crm/contracts';
import { LeadRecordsService } from './lead-records.service';
import { LeadsQueryService } from './leads-query.service';

/** Request-reply queries and edits of the gateway about leads. */
@Controller()
export class LeadsMessageController {
  constructor(
    private readonly leads: LeadsQueryService,
    private readonly records: LeadRecordsService,
  ) {}

  @OnRequest(Queries.LeadsCreateLead)
  create(@Payload(ContractValidationPipe) command: CreateLeadCommand): Promise<LeadView> {
    return this.records.create(command);
  }

  @OnRequest(Queries.LeadsUpdateLead)
  update(@Payload(ContractValidationPipe) command: UpdateLeadCommand): Promise<LeadView> {
    return this.records.update(command);
  }

  @OnRequest(Queries.LeadsListLeads)
  list(@Payload(ContractValidationPipe) query: ListLeadsQuery): Promise<Page<LeadView>> {
    return this.leads.listLeads(query);
  }

  @OnRequest(Queries.LeadsExportLeads)
  exportChunk(
    @Payload(ContractValidationPipe) query: ExportLeadsQuery,
  ): Promise<{ data: LeadView[]; next_cursor: string | null }> {
    return this.leads.exportChunk(query);
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
