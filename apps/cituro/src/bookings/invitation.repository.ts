import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';

export interface InvitationRecord {
  idempotency_key: string;
  lead_id: string;
  deal_id: string | null;
  customer_id: string;
  mail_idempotency_key: string;
  reference: string | null;
  attempts: number;
}

/** The only code touching the invitations and customer_links tables; every write joins the handler's transaction. */
@Injectable()
export class InvitationRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Serialises commands with the same key (different envelopes handled at once) until the transaction ends. */
  async lockKey(idempotencyKey: string): Promise<void> {
    await this.tx.manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `cituro.invitations:${idempotencyKey}`,
    ]);
  }

  async findInvitation(idempotencyKey: string): Promise<InvitationRecord | null> {
    const rows: InvitationRecord[] = await this.tx.manager.query(
      `SELECT idempotency_key, lead_id, deal_id, customer_id, mail_idempotency_key, reference, attempts
         FROM invitations WHERE idempotency_key = $1`,
      [idempotencyKey],
    );
    return rows[0] ?? null;
  }

  async recordInvitation(record: InvitationRecord): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO invitations
         (idempotency_key, lead_id, deal_id, customer_id, mail_idempotency_key, reference, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        record.idempotency_key,
        record.lead_id,
        record.deal_id,
        record.customer_id,
        record.mail_idempotency_key,
        record.reference,
        record.attempts,
      ],
    );
  }

  async customerIdOfLead(leadId: string): Promise<string | null> {
    const rows: { customer_id: string }[] = await this.tx.manager.query(
      'SELECT customer_id FROM customer_links WHERE lead_id = $1',
      [leadId],
    );
    return rows[0]?.customer_id ?? null;
  }

  async leadIdOfCustomer(customerId: string): Promise<string | null> {
    const rows: { lead_id: string }[] = await this.tx.manager.query(
      'SELECT lead_id FROM customer_links WHERE customer_id = $1 ORDER BY updated_at DESC LIMIT 1',
      [customerId],
    );
    return rows[0]?.lead_id ?? null;
  }

  async linkCustomer(leadId: string, customerId: string): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO customer_links (lead_id, customer_id) VALUES ($1, $2)
       ON CONFLICT (lead_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, updated_at = now()`,
      [leadId, customerId],
    );
  }
}
