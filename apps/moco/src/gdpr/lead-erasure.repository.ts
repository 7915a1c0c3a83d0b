import { Injectable } from '@nestjs/common';
import type { MocoGdprExportQuery, MocoGdprExportView } from '@crm/contracts';
import { eraseMessagesMentioning, type LeadDataEraser } from '@crm/messaging';
import { TransactionHost } from '@crm/service-kit';
import { MappingRepository } from '../sync/mapping.repository';

/**
 * What moco holds about a lead (api.md §17): its mappings to MOCO records (ids only) and queued or dead-lettered
 * sync commands carrying the lead's snapshot. The records in MOCO itself are the customer's accounting data and
 * are not erased from here.
 */
@Injectable()
export class LeadErasureRepository implements LeadDataEraser {
  constructor(
    private readonly mappings: MappingRepository,
    private readonly tx: TransactionHost,
  ) {}

  async eraseLead(leadId: string): Promise<Record<string, number>> {
    return {
      mappings: await this.mappings.eraseLead(leadId),
      messages: await eraseMessagesMentioning(this.tx.manager, [leadId]),
    };
  }

  async export({ lead_id }: MocoGdprExportQuery): Promise<MocoGdprExportView> {
    const rows = await this.mappings.ofLead(lead_id);
    return {
      mappings: rows.map((row) => ({
        crm_type: row.crm_type,
        crm_id: row.crm_id,
        moco_type: row.moco_type,
        moco_id: Number(row.moco_id),
        invoice_status: row.invoice_status,
        created_at: new Date(row.created_at).toISOString(),
      })),
    };
  }
}
