import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';

export interface PendingOutboxMessage {
  id: string;
  subject: string;
  envelope: Record<string, unknown>;
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly tx: TransactionHost) {}

  async add(message: PendingOutboxMessage): Promise<void> {
    await this.tx.manager.query(`INSERT INTO outbox_message (id, subject, envelope) VALUES ($1, $2, $3)`, [
      message.id,
      message.subject,
      message.envelope,
    ]);
  }

  /**
   * Runs `publish` on a batch of unpublished rows while holding their row locks; rows another relay holds are
   * skipped, so two relays never publish the same row at the same time.
   */
  async claimBatch(
    limit: number,
    publish: (
      rows: PendingOutboxMessage[],
    ) => Promise<{ published: string[]; failed: { id: string; error: string }[] }>,
  ): Promise<number> {
    return this.tx.transaction(async () => {
      const rows: PendingOutboxMessage[] = await this.tx.manager.query(
        `SELECT id, subject, envelope FROM outbox_message
          WHERE published_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (!rows.length) return 0;
      const { published, failed } = await publish(rows);
      if (published.length) {
        await this.tx.manager.query(
          `UPDATE outbox_message SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1)`,
          [published],
        );
      }
      for (const { id, error } of failed) {
        await this.tx.manager.query(
          `UPDATE outbox_message SET attempts = attempts + 1, last_error = $2 WHERE id = $1`,
          [id, error.slice(0, 2000)],
        );
      }
      return published.length;
    });
  }

  async deletePublishedBefore(cutoff: Date): Promise<void> {
    await this.tx.manager.query(`DELETE FROM outbox_message WHERE published_at < $1`, [cutoff]);
  }
}
