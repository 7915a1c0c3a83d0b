import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionHost } from '@crm/service-kit';
import { MessageLogEntity } from './message-log.entity';

export interface AttemptClaim {
  idempotencyKey: string;
  reference: string | null;
  channel: string;
  mode: 'webhook' | 'bot';
}

export interface SentRecord {
  idempotencyKey: string;
  ts: string | null;
  vendorResponse: string;
}

export interface WebhookOutcome {
  status: 'sent' | 'failed';
  error_code: string | null;
  updated_at: Date;
}

export interface FailedRecord {
  idempotencyKey: string;
  reference: string | null;
  channel: string;
  mode: 'webhook' | 'bot' | null;
  code: string;
  message: string;
  vendorStatus: number | null;
  retryable: boolean;
}

/**
 * The only code touching the message log table. Most writes join the handler's transaction; the ones named
 * "now" commit at once on a connection of their own, so they survive a rollback of the handler's transaction:
 * what was (or may have been) sent to Slack must never be forgotten.
 */
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

  findByKey(idempotencyKey: string): Promise<MessageLogEntity | null> {
    return this.tx.manager
      .getRepository(MessageLogEntity)
      .findOne({ where: { idempotency_key: idempotencyKey } });
  }

  /** Records that an attempt to post begins (status `sending`, one more attempt); committed now. */
  async claimNow(claim: AttemptClaim): Promise<void> {
    await this.tx.dataSource.manager.query(
      `INSERT INTO ${this.table()} AS log
         (idempotency_key, reference, channel, mode, status, attempts, attempt_started_at)
       VALUES ($1, $2, $3, $4, 'sending', 1, now())
       ON CONFLICT (idempotency_key) DO UPDATE SET
         reference = EXCLUDED.reference, channel = EXCLUDED.channel, mode = EXCLUDED.mode, status = 'sending',
         attempts = log.attempts + 1, attempt_started_at = now(), error_code = NULL, error_message = NULL,
         vendor_status = NULL, retryable = NULL, updated_at = now()`,
      [claim.idempotencyKey, claim.reference, claim.channel, claim.mode],
    );
  }

  async recordSent(record: SentRecord): Promise<void> {
    const [, updated] = (await this.tx.manager.query(
      `UPDATE ${this.table()} SET
         status = 'sent', vendor_ts = $2, vendor_response = $3, error_code = NULL, error_message = NULL,
         vendor_status = 200, retryable = NULL, sent_at = now(), updated_at = now()
       WHERE idempotency_key = $1`,
      [record.idempotencyKey, record.ts, record.vendorResponse],
    )) as [unknown, number];
    if (updated !== 1) throw new Error('message log row missing for a sent message');
  }

  /** The final failure of a command, in the handler's transaction (with its result event). */
  recordFailed(record: FailedRecord): Promise<void> {
    return this.writeFailed(this.tx.manager, record);
  }

  /** A failed attempt before the queue retries (the handler's transaction will roll back); committed now. */
  recordFailedNow(record: FailedRecord): Promise<void> {
    return this.writeFailed(this.tx.dataSource.manager, record);
  }

  /**
   * The latest settled outcome of a webhook post since `since`: sent, or refused for good (a failure that may
   * pass, or whose outcome is unknown, says nothing about the webhook). Null when there is none.
   */
  async latestWebhookOutcome(since: Date | null): Promise<WebhookOutcome | null> {
    const rows: WebhookOutcome[] = await this.tx.manager.query(
      `SELECT status, error_code, updated_at FROM ${this.table()}
        WHERE mode = 'webhook' AND updated_at >= $1
          AND (status = 'sent' OR (status = 'failed' AND retryable = false AND error_code <> $2))
        ORDER BY updated_at DESC LIMIT 1`,
      [since ?? new Date(0), 'outcome_unknown'],
    );
    return rows[0] ?? null;
  }

  /** The outcome of a test post (api.md §15.6), committed at once like the attempt before it. */
  async recordSentNow(record: SentRecord): Promise<void> {
    await this.tx.dataSource.manager.query(
      `UPDATE ${this.table()} SET
         status = 'sent', vendor_ts = $2, vendor_response = $3, vendor_status = 200, sent_at = now(),
         updated_at = now()
       WHERE idempotency_key = $1`,
      [record.idempotencyKey, record.ts, record.vendorResponse],
    );
  }

  /** Schema-qualified: raw SQL names the schema itself rather than relying on the search path. */
  private table(): string {
    const metadata = this.tx.dataSource.getMetadata(MessageLogEntity);
    return `"${metadata.schema}"."${metadata.tableName}"`;
  }

  private async writeFailed(manager: EntityManager, record: FailedRecord): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.table()} AS log
         (idempotency_key, reference, channel, mode, status, attempts, error_code, error_message, vendor_status,
          retryable)
       VALUES ($1, $2, $3, $4, 'failed', 0, $5, $6, $7, $8)
       ON CONFLICT (idempotency_key) DO UPDATE SET
         reference = EXCLUDED.reference, channel = EXCLUDED.channel, mode = COALESCE(EXCLUDED.mode, log.mode),
         status = 'failed', error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message,
         vendor_status = EXCLUDED.vendor_status, retryable = EXCLUDED.retryable, updated_at = now()`,
      [
        record.idempotencyKey,
        record.reference,
        record.channel,
        record.mode,
        record.code,
        record.message,
        record.vendorStatus,
        record.retryable,
      ],
    );
  }
}
