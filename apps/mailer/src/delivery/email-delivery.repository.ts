import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionHost } from '@crm/service-kit';
import { EmailDeliveryEntity } from './email-delivery.entity';

/** What a delivery is about; written with every claim and failure so the row always says it. */
export interface DeliveryFacts {
  idempotencyKey: string;
  reference: string | null;
  leadId: string | null;
  templateKey: string | null;
  recipient: string;
  recipientName: string | null;
  messageId: string;
}

export interface AttemptClaim extends DeliveryFacts {
  subject: string;
  html: string;
  text: string;
}

export interface SentRecord {
  idempotencyKey: string;
  smtpResponse: string;
}

export interface FailedRecord extends DeliveryFacts {
  status: 'failed' | 'bounced';
  code: string;
  message: string;
  smtpStatus: number | null;
  smtpResponse: string | null;
  retryable: boolean;
}

/**
 * The only code touching the delivery log. Most writes join the handler's transaction; the ones named "now"
 * commit at once on a connection of their own, so they survive a rollback of the handler's transaction: what was
 * (or may have been) handed to the SMTP server must never be forgotten.
 */
@Injectable()
export class EmailDeliveryRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Serialises work on one key until the transaction ends, so two commands with it cannot both send. */
  async lockKey(idempotencyKey: string): Promise<void> {
    await this.tx.manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `mailer.email_delivery:${idempotencyKey}`,
    ]);
  }

  findByKey(idempotencyKey: string): Promise<EmailDeliveryEntity | null> {
    return this.tx.manager
      .getRepository(EmailDeliveryEntity)
      .findOne({ where: { idempotency_key: idempotencyKey } });
  }

  /** Records that an attempt to send begins (status `sending`, one more attempt); committed now. */
  async claimNow(claim: AttemptClaim): Promise<EmailDeliveryEntity> {
    const [row] = (await this.tx.dataSource.manager.query(
      `INSERT INTO ${this.table()} AS d
         (idempotency_key, reference, lead_id, template_key, recipient, recipient_name, message_id, subject, html,
          text, status, attempts, attempt_started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'sending', 1, now())
       ON CONFLICT (idempotency_key) DO UPDATE SET
         reference = EXCLUDED.reference, lead_id = EXCLUDED.lead_id, template_key = EXCLUDED.template_key,
         recipient = EXCLUDED.recipient, recipient_name = EXCLUDED.recipient_name,
         message_id = EXCLUDED.message_id, subject = EXCLUDED.subject, html = EXCLUDED.html,
         text = EXCLUDED.text, status = 'sending', attempts = d.attempts + 1, attempt_started_at = now(),
         error_code = NULL, error_message = NULL, smtp_status = NULL, smtp_response = NULL, retryable = NULL,
         updated_at = now()
       RETURNING *`,
      [
        claim.idempotencyKey,
        claim.reference,
        claim.leadId,
        claim.templateKey,
        claim.recipient,
        claim.recipientName,
        claim.messageId,
        claim.subject,
        claim.html,
        claim.text,
      ],
    )) as EmailDeliveryEntity[];
    return row;
  }

  async recordSent(record: SentRecord): Promise<void> {
    const [, updated] = (await this.tx.manager.query(
      `UPDATE ${this.table()} SET
         status = 'sent', smtp_response = $2, smtp_status = $3, error_code = NULL, error_message = NULL,
         retryable = NULL, sent_at = now(), updated_at = now()
       WHERE idempotency_key = $1`,
      [record.idempotencyKey, record.smtpResponse, replyCodeOf(record.smtpResponse)],
    )) as [unknown, number];
    if (updated !== 1) throw new Error('delivery row missing for a sent email');
  }

  /** The final failure of a command, in the handler's transaction (with its result event). */
  recordFailed(record: FailedRecord): Promise<EmailDeliveryEntity> {
    return this.writeFailed(this.tx.manager, record);
  }

  /** A failed attempt before the queue retries (the handler's transaction will roll back); committed now. */
  recordFailedNow(record: FailedRecord): Promise<EmailDeliveryEntity> {
    return this.writeFailed(this.tx.dataSource.manager, record);
  }

  /** Schema-qualified: raw SQL names the schema itself rather than relying on the search path. */
  private table(): string {
    const metadata = this.tx.dataSource.getMetadata(EmailDeliveryEntity);
    return `"${metadata.schema}"."${metadata.tableName}"`;
  }

  private async writeFailed(manager: EntityManager, record: FailedRecord): Promise<EmailDeliveryEntity> {
    const [row] = (await manager.query(
      `INSERT INTO ${this.table()} AS d
         (idempotency_key, reference, lead_id, template_key, recipient, recipient_name, message_id, status,
          attempts, error_code, error_message, smtp_status, smtp_response, retryable)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12, $13)
       ON CONFLICT (idempotency_key) DO UPDATE SET
         reference = EXCLUDED.reference, lead_id = COALESCE(EXCLUDED.lead_id, d.lead_id),
         template_key = EXCLUDED.template_key, status = EXCLUDED.status, error_code = EXCLUDED.error_code,
         error_message = EXCLUDED.error_message, smtp_status = EXCLUDED.smtp_status,
         smtp_response = EXCLUDED.smtp_response, retryable = EXCLUDED.retryable, updated_at = now()
       RETURNING *`,
      [
        record.idempotencyKey,
        record.reference,
        record.leadId,
        record.templateKey,
        record.recipient,
        record.recipientName,
        record.messageId,
        record.status,
        record.code,
        record.message,
        record.smtpStatus,
        record.smtpResponse,
        record.retryable,
      ],
    )) as EmailDeliveryEntity[];
    return row;
  }
}

function replyCodeOf(response: string): number | null {
  const code = /^\d{3}/.exec(response)?.[0];
  return code ? Number(code) : null;
}
