import { Injectable } from '@nestjs/common';
import { deleteCounted, eraseMessagesMentioning } from '@crm/messaging';
import { TransactionHost } from '@crm/service-kit';

export interface ServiceErasure {
  status: 'pending' | 'completed';
  deleted_records: Record<string, number> | null;
}

export interface ErasureRow {
  id: string;
  leadId: string;
  anonymizedEmail: string;
  services: Record<string, ServiceErasure>;
  requestedAt: Date;
  completedAt: Date | null;
}

const SELECT_ERASURE = `SELECT id, lead_id AS "leadId", anonymized_email AS "anonymizedEmail", services,
                               requested_at AS "requestedAt", completed_at AS "completedAt"
                          FROM erasures`;

/** GDPR erasures and the erasure of what leads holds about a person (api.md §17). */
@Injectable()
export class ErasureRepository {
  constructor(private readonly tx: TransactionHost) {}

  async findByLead(leadId: string): Promise<ErasureRow | null> {
    const rows: ErasureRow[] = await this.tx.manager.query(`${SELECT_ERASURE} WHERE lead_id = $1`, [leadId]);
    return rows[0] ?? null;
  }

  /** The erasure, locked until the transaction ends (confirmations of several services arrive at once). */
  async lock(id: string): Promise<ErasureRow | null> {
    const rows: ErasureRow[] = await this.tx.manager.query(`${SELECT_ERASURE} WHERE id = $1 FOR UPDATE`, [
      id,
    ]);
    return rows[0] ?? null;
  }

  async find(id: string): Promise<ErasureRow | null> {
    const rows: ErasureRow[] = await this.tx.manager.query(`${SELECT_ERASURE} WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async insert(row: ErasureRow): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO erasures (id, lead_id, anonymized_email, services, requested_at, completed_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        row.id,
        row.leadId,
        row.anonymizedEmail,
        JSON.stringify(row.services),
        row.requestedAt,
        row.completedAt,
      ],
    );
  }

  async update(row: ErasureRow): Promise<void> {
    await this.tx.manager.query(`UPDATE erasures SET services = $2, completed_at = $3 WHERE id = $1`, [
      row.id,
      JSON.stringify(row.services),
      row.completedAt,
    ]);
  }

  /**
   * Hard-deletes the lead's events, deals (their history goes with them), tasks and the messages that mention
   * the lead, and anonymises the lead row. Scores and intent are zeroed; `score_version` stays, so a score
   * computed before the erasure can never be applied after it. Returns the counts of api.md §17.
   */
  async eraseLead(
    leadId: string,
    email: string | null,
    anonymizedEmail: string,
  ): Promise<Record<string, number>> {
    const erase = (table: string) => deleteCounted(this.tx.manager, table, leadId);
    await erase('lead_event_scores');
    const events = await erase('lead_events');
    const tasks = await erase('tasks');
    const deals = await erase('deals');
    const notes = await erase('lead_notes');
    // Import rows point at the lead; a failed row kept the email it was sent with.
    await this.tx.manager.query(
      `DELETE FROM lead_import_items WHERE lead_id = $1 OR (email IS NOT NULL AND lower(email) = lower($2))`,
      [leadId, email ?? ''],
    );
    await this.tx.manager.query(
      `UPDATE leads SET
          email = $2, first_name = '[GDPR_DELETED_FIRST_NAME]', last_name = '[GDPR_DELETED_LAST_NAME]',
          phone = NULL, job_title = NULL, portal_id = NULL, waalaxy_id = NULL, linkedin_url = NULL,
          lemlist_id = NULL, consent_date = NULL, consent_source = NULL, metadata = '{}'::jsonb,
          status = 'churned', lifecycle_stage = 'lead', routing_status = 'unrouted', routed_at = NULL, routed_score = NULL,
          manual_review_reason = NULL, manual_review_at = NULL, pipeline_id = NULL,
          demographic_score = 0, engagement_score = 0, behavior_score = 0, total_score = 0, score_tier = 'cold',
          primary_intent = NULL, intent_confidence = NULL,
          intent_summary = '{"research":0,"b2b":0,"co_creation":0}'::jsonb,
          gdpr_delete_requested = now(), updated_at = now()
        WHERE id = $1`,
      [leadId, anonymizedEmail],
    );
    await eraseMessagesMentioning(this.tx.manager, email ? [leadId, email] : [leadId]);
    return { events, deals, tasks, notes };
  }
}
