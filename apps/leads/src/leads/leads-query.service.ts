import { Injectable } from '@nestjs/common';
import {
  LEAD_EXPORT_CHUNK_SIZE,
  LEAD_STATUSES,
  LIFECYCLE_STAGES,
  NotFoundError,
  type ExportLeadsQuery,
  type ListLeadsQuery,
  type Page,
} from '@crm/contracts';
import type { LeadStatsView, LeadView } from '@crm/contracts';
import { toLeadView } from './lead.mapper';
import { LeadRepository } from './lead.repository';

/** Read side of leads: `GET /leads`, `/leads/stats` and `/leads/:id`. */
@Injectable()
export class LeadsQueryService {
  constructor(private readonly leads: LeadRepository) {}

  async listLeads(query: ListLeadsQuery): Promise<Page<LeadView>> {
    return (await this.leads.list(query)).page(toLeadView);
  }

  /** Counts per status, routing status and lifecycle stage; every documented value is present. */
  async stats(): Promise<LeadStatsView> {
    const withZeros = (values: readonly string[], counts: Record<string, number>) =>
      Object.fromEntries(values.map((value) => [value, counts[value] ?? 0]));
    const byStatus = await this.leads.countsBy('status');
    return {
      by_status: withZeros(LEAD_STATUSES, byStatus),
      by_routing_status: withZeros(
        ['unrouted', 'routed', 'manual_review'],
        await this.leads.countsBy('routing_status'),
      ),
      by_lifecycle_stage: withZeros(LIFECYCLE_STAGES, await this.leads.countsBy('lifecycle_stage')),
      total: Object.values(byStatus).reduce((sum, n) => sum + n, 0),
    };
  }

  /** One chunk of `GET /leads/export`: the next leads in id order, and the cursor of the chunk after it. */
  async exportChunk(query: ExportLeadsQuery): Promise<{ data: LeadView[]; next_cursor: string | null }> {
    const size = query.chunk_size ?? LEAD_EXPORT_CHUNK_SIZE;
    const rows = await this.leads.exportChunk(query, query.cursor, size);
    return {
      data: rows.map(toLeadView),
      next_cursor: rows.length === size ? rows[rows.length - 1].id : null,
    };
  }

  async getLead(id: string): Promise<LeadView> {
    const lead = await this.leads.findById(id);
    if (!lead) throw new NotFoundError('Lead', id);
    return toLeadView(lead);
  }
}
