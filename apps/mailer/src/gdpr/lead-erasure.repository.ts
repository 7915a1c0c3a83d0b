import { Injectable } from '@nestjs/common';
import { eraseMessagesMentioning } from '@crm/messaging';
import { TransactionHost } from '@crm/service-kit';
import { EmailDeliveryEntity } from '../delivery/email-delivery.entity';

/**
 * What the mailer holds about a lead: the delivery rows of emails about it (recipient, rendered email) and
 * queued or dead-lettered messages naming it. Delivery rows are anonymised, not deleted: the row of an idempotency
 * key must stay, or a redelivered command would send the email again.
 */
@Injectable()
export class LeadErasureRepository {
  constructor(private readonly tx: TransactionHost) {}

  async eraseLead(leadId: string): Promise<Record<string, number>> {
    const rows: { recipient: string | null }[] = await this.tx.manager
      .query(
        `UPDATE ${this.table()} AS d SET
         recipient = NULL, recipient_name = NULL, subject = NULL, html = NULL, text = NULL,
         error_message = NULL, smtp_response = NULL, erased_at = now(), updated_at = now()
       FROM (SELECT id, recipient FROM ${this.table()} WHERE lead_id = $1 AND erased_at IS NULL FOR UPDATE) AS old
       WHERE d.id = old.id
       RETURNING old.recipient`,
        [leadId],
      )
      .then(([updated]: [{ recipient: string | null }[], number]) => updated);
    const addresses = [...new Set(rows.map((r) => r.recipient).filter((r): r is string => !!r))];
    return {
      email_deliveries: rows.length,
      messages: await eraseMessagesMentioning(this.tx.manager, [leadId, ...addresses]),
    };
  }

  /** Emails sent about the lead. */
  async countEmailsOf(leadId: string): Promise<number> {
    const [{ n }]: { n: number }[] = await this.tx.manager.query(
      `SELECT count(*)::int AS n FROM ${this.table()} WHERE lead_id = $1 AND status = 'sent'`,
      [leadId],
    );
    return n;
  }

  private table(): string {
    const metadata = this.tx.dataSource.getMetadata(EmailDeliveryEntity);
    return `"${metadata.schema}"."${metadata.tableName}"`;
  }
}
