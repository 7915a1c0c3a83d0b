import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';

export interface OpenDealOfLead {
  id: string;
  pipeline_id: string;
  assigned_to: string | null;
}

/** The reads the Cituro booking consumer needs from leads' tables. */
@Injectable()
export class CituroBookingRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** The lead with this email (case-insensitive), the most recently created one if several. */
  async leadIdByEmail(email: string): Promise<string | null> {
    const rows: { id: string }[] = await this.tx.manager.query(
      `SELECT id FROM leads WHERE lower(email) = lower($1) ORDER BY created_at DESC LIMIT 1`,
      [email],
    );
    return rows[0]?.id ?? null;
  }

  async leadExists(leadId: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.manager.query('SELECT 1 FROM leads WHERE id = $1', [leadId]);
    return rows.length > 0;
  }

  /** The lead's open deals, most recently changed first. */
  openDealsOf(leadId: string): Promise<OpenDealOfLead[]> {
    return this.tx.manager.query(
      `SELECT id, pipeline_id, assigned_to FROM deals
        WHERE lead_id = $1 AND status = 'open'
        ORDER BY updated_at DESC, id`,
      [leadId],
    );
  }
}
