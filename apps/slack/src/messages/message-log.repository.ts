import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';
import { MessageLogEntity } from './message-log.entity';

export interface SentRecord {
  idempotencyKey: string;
  reference: string | null;
  channel: string;
  mode: 'webhook' | 'bot';
  attempts: number;
  ts: string | null;
  vendorResponse: string;
}

export interface FailedRecord {
  idempotencyKey: string;
  reference: string | null;
  channel: string;
  mode: 'webhook' | 'bot' | null;
  attempts: number;
  code: string;
  message: string;
  vendorStatus: number | null;
  retryable: boolean;
}

/** The only code touching the message log table; joins the handler's transaction. */
@Injectable()
export class MessageLogRepository {
  constructor(private readonly tx: TransactionHost) {}

  /**
   * Serialises work on one idempotency key until the current transaction ends, so two commands with the same
   * key (different envelope ids, handled at once) cannot both post.
   */
  async lockKey(idempotencyKey: string): Promise<void> {
    await this.tx.manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `slack.message_log:${idempotencyKey}`,
    ]);
  }

  /** Schema-qualified: TypeORM sets no search_path, so raw SQL names the schema itself. */
  private table(): string {
    const metadata = this.tx.manager.connection.getMetadata(MessageLogEntity);
    return `"${metadata.schema}"."${metadata.tableName}"`;
  }

  findByKey(idempotencyKey: string): Promise<MessageLogEntity | null> {
    return this.tx.manager
      .getRepository(MessageLogEntity)
      .findOne({ where: { idempotency_key: idempotencyKey } });
  }

  async recordSent(record: SentRecord): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO ${this.table()} AS log
         (idempotency_key, reference, channel, mode, status, attempts, vendor_ts, vendor_response,
          error_code, error_message, vendor_status, retryable, sent_at)
       VALUES ($1, $2, $3, $4, 'sent', $5, $6, $7, NULL, NULL, 200, NULL, now())
       ON CONFLICT (idempotency_key) DO UPDATE SET
         reference = EXCLUDED.reference, channel = EXCLUDED.channel, mode = EXCLUDED.mode, status = 'sent',
         attempts = EXCLUDED.attempts, vendor_ts = EXCLUDED.vendor_ts, vendor_response = EXCLUDED.vendor_response,
         error_code = NULL, error_message = NULL, vendor_status = 200, retryable = NULL,
         sent_at = now(), updated_at = now()`,
      [
        record.idempotencyKey,
        record.reference,
        record.channel,
        record.mode,
        record.attempts,
        record.ts,
        record.vendorResponse,
      ],
    );
  }

  async recordFailed(record: FailedRecord): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO ${this.table()} AS log
         (idempotency_key, reference, channel, mode, status, attempts, error_code, error_message, vendor_status,
          retryable)
       VALUES ($1, $2, $3, $4, 'failed', $5, $6, $7, $8, $9)
       ON CONFLICT (idempotency_key) DO UPDATE SET
         reference = EXCLUDED.reference, channel = EXCLUDED.channel, mode = EXCLUDED.mode, status = 'failed',
         attempts = EXCLUDED.attempts, error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message,
         vendor_status = EXCLUDED.vendor_status, retryable = EXCLUDED.retryable, updated_at = now()`,
      [
        record.idempotencyKey,
        record.reference,
        record.channel,
        record.mode,
        record.attempts,
        record.code,
        record.message,
        record.vendorStatus,
        record.retryable,
      ],
    );
  }
}
