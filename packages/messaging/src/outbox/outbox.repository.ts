import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';

export interface PendingOutboxMessage {
  id: string;
  subject: string;
  envelope: Record<string, unknown>;
}

export interface ClaimedOutboxMessage extends PendingOutboxMessage {
  /** attempts so far, this one included. */
  attempts: number;
}

export interface OutboxDeliveryFailure {
  id: string;
  /** the attempts made, this one included (a handed-over row's first attempt made no claim to count it). */
  attempts: number;
  error: string;
  /** null parks the row: it keeps its error and is never claimed again. */
  retryInMs: number | null;
}

const MAX_ERROR_LENGTH = 2000;

@Injectable()
export class OutboxRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** One statement for many rows; `position` follows the array's order, which is the order they publish in. */
  async addMany(messages: PendingOutboxMessage[]): Promise<void> {
    if (!messages.length) return;
    await this.tx.manager.query(
      `INSERT INTO outbox_message (id, subject, envelope)
       SELECT m.id, m.subject, m.envelope::jsonb
         FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS m(id, subject, envelope, n)
        ORDER BY m.n`,
      [
        messages.map((m) => m.id),
        messages.map((m) => m.subject),
        messages.map((m) => JSON.stringify(m.envelope)),
      ],
    );
  }

  async add(message: PendingOutboxMessage): Promise<void> {
    await this.tx.manager.query(`INSERT INTO outbox_message (id, subject, envelope) VALUES ($1, $2, $3)`, [
      message.id,
      message.subject,
      message.envelope,
    ]);
  }

  /**
   * Claims up to `limit` due rows, oldest first, in one statement: each gets an attempt and a lease (its next
   * attempt moves `leaseMs` ahead), so no other relay takes it while it is published outside any transaction.
   * A relay that dies holding a lease leaves its rows due again when the lease ends; the re-publish keeps its
   * msgID, which JetStream drops as a duplicate.
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedOutboxMessage[]> {
    return this.tx.manager.query(
      `WITH due AS (
         SELECT id FROM outbox_message
          WHERE published_at IS NULL AND parked_at IS NULL AND next_attempt_at <= now()
          ORDER BY next_attempt_at, position LIMIT $1
          FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE outbox_message o
            SET attempts = o.attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
           FROM due WHERE o.id = due.id
         RETURNING o.id, o.subject, o.envelope, o.attempts, o.position
       )
       SELECT id, subject, envelope, attempts FROM claimed ORDER BY position`,
      [limit, leaseMs],
    );
  }

  async markPublished(ids: string[]): Promise<void> {
    await this.tx.manager.query(
      `UPDATE outbox_message SET published_at = now() WHERE id = ANY($1::uuid[]) AND published_at IS NULL`,
      [ids],
    );
  }

  /** One statement for the whole batch; a row another relay has published meanwhile stays as it is. */
  async recordFailures(failures: OutboxDeliveryFailure[]): Promise<void> {
    await this.tx.manager.query(
      `UPDATE outbox_message o
          SET last_error = f.error,
              attempts = greatest(o.attempts, f.attempts),
              next_attempt_at = now() + coalesce(f.retry_in_ms, 0) * interval '1 millisecond',
              parked_at = CASE WHEN f.retry_in_ms IS NULL THEN now() END
         FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[]) AS f(id, error, retry_in_ms, attempts)
        WHERE o.id = f.id AND o.published_at IS NULL`,
      [
        failures.map((f) => f.id),
        failures.map((f) => f.error.slice(0, MAX_ERROR_LENGTH)),
        failures.map((f) => f.retryInMs),
        failures.map((f) => f.attempts),
      ],
    );
  }

  /** Deletes at most `limit` rows published before `cutoff`; returns how many. */
  async deletePublishedBefore(cutoff: Date, limit: number): Promise<number> {
    const [{ deleted }] = await this.tx.manager.query(
      `WITH doomed AS (
         SELECT id FROM outbox_message WHERE published_at < $1 LIMIT $2
       ), deleted AS (
         DELETE FROM outbox_message o USING doomed WHERE o.id = doomed.id RETURNING 1
       )
       SELECT count(*)::int AS deleted FROM deleted`,
      [cutoff, limit],
    );
    return deleted;
  }
}
