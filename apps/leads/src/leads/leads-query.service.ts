import { Injectable } from '@nestjs/common';
import { NotFoundError, toPage, type ListLeadsQuery, type Page } from '@crm/contracts';
import type { LeadView } from '@crm/contracts';
import { toLeadView } from './lead.mapper';
import { LeadRepository } from './lead.repository';

/** Read side of leads: `GET /leads` and `GET /leads/:id`. */
@Injectable()
export class LeadsQueryService {
  constructor(private readonly leads: LeadRepository) {}

  async listLeads(query: ListLeadsQuery): Promise<Page<LeadView>> {
    const [rows, total] = await this.leads.list(query);
    return toPage(rows.map(toLeadView), total, query.page, query.limit);
  }

  async getLead(id: string): Promise<LeadView> {
    const lead = await this.leads.findById(id);
    if (!lead) throw new NotFoundError('Lead', id);
    return toLeadView(lead);
  }
}
