import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';

export type CrmType = 'lead' | 'organization' | 'deal';
export type MocoType = 'company' | 'contact' | 'deal' | 'offer' | 'project' | 'invoice';

export interface MappingRow {
  crm_type: CrmType;
  crm_id: string;
  lead_id: string;
  moco_type: MocoType;
  moco_id: string;
  invoice_status: string | null;
  created_at: Date;
}

/** CRM entity → MOCO id: the primary link to what sync created (external-apis.md 1.5). */
@Injectable()
export class MappingRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Serialises syncs of one CRM entity (until the transaction ends), so two never both create it. */
  async lock(crmId: string, mocoType: MocoType): Promise<void> {
    await this.tx.manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
      `moco.sync:${mocoType}:${crmId}`,
    ]);
  }

  async find(crmId: string, mocoType: MocoType): Promise<number | null> {
    const rows: { moco_id: string }[] = await this.tx.manager.query(
      `SELECT moco_id FROM mappings WHERE crm_id = $1 AND moco_type = $2`,
      [crmId, mocoType],
    );
    return rows[0] ? Number(rows[0].moco_id) : null;
  }

  async save(row: {
    crmType: CrmType;
    crmId: string;
    leadId: string;
    mocoType: MocoType;
    mocoId: number;
  }): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO mappings (crm_type, crm_id, lead_id, moco_type, moco_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (crm_id, moco_type) DO UPDATE SET moco_id = EXCLUDED.moco_id, updated_at = now()`,
      [row.crmType, row.crmId, row.leadId, row.mocoType, row.mocoId],
    );
  }

  /** The CRM entity mapped to a MOCO record, if any. */
  async crmOf(mocoType: MocoType, mocoId: number): Promise<{ crm_type: CrmType; crm_id: string } | null> {
    const rows: { crm_type: CrmType; crm_id: string }[] = await this.tx.manager.query(
      `SELECT crm_type, crm_id FROM mappings WHERE moco_type = $1 AND moco_id = $2 LIMIT 1`,
      [mocoType, mocoId],
    );
    return rows[0] ?? null;
  }

  /**
   * Stores an invoice's new status; answers the mapping (CRM deal and lead) with the status it had before, locked
   * until the transaction ends, or null when the invoice is not one sync made.
   */
  async setInvoiceStatus(
    mocoId: number,
    status: string,
  ): Promise<{ crm_id: string; crm_type: CrmType; lead_id: string; previous_status: string | null } | null> {
    const [before]: { crm_id: string; crm_type: CrmType; lead_id: string; invoice_status: string | null }[] =
      await this.tx.manager.query(
        `SELECT crm_id, crm_type, lead_id, invoice_status FROM mappings
          WHERE moco_type = 'invoice' AND moco_id = $1 FOR UPDATE`,
        [mocoId],
      );
    if (!before) return null;
    await this.tx.manager.query(
      `UPDATE mappings SET invoice_status = $2, updated_at = now() WHERE moco_type = 'invoice' AND moco_id = $1`,
      [mocoId, status],
    );
    return { ...before, previous_status: before.invoice_status };
  }

  async ofLead(leadId: string): Promise<MappingRow[]> {
    return this.tx.manager.query(
      `SELECT crm_type, crm_id, lead_id, moco_type, moco_id, invoice_status, created_at
         FROM mappings WHERE lead_id = $1 ORDER BY created_at, moco_type`,
      [leadId],
    );
  }

  async eraseLead(leadId: string): Promise<number> {
    const result: [unknown[], number] = await this.tx.manager.query(
      `DELETE FROM mappings WHERE lead_id = $1`,
      [leadId],
    );
    return result[1];
  }
}
