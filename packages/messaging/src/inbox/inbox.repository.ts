import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';

@Injectable()
export class InboxRepository {
  constructor(private readonly tx: TransactionHost) {}

  /**
   * Records the messages for the consumer in one statement; returns the ids seen for the first time (the others
   * are redeliveries or re-publishes, already handled).
   */
  async markProcessedMany(consumer: string, messageIds: string[]): Promise<Set<string>> {
    const rows: { message_id: string }[] = await this.tx.manager.query(
      `INSERT INTO processed_message (consumer, message_id)
       SELECT $1, id FROM unnest($2::uuid[]) AS id
       ON CONFLICT DO NOTHING RETURNING message_id`,
      [consumer, messageIds],
    );
    return new Set(rows.map((row) => row.message_id));
  }

  /**
   * Deletes up to `limit` rows processed before `cutoff` (older than the streams keep messages, so no
   * redelivery can still need them); returns how many went.
   */
  async pruneProcessedBefore(cutoff: Date, limit: number): Promise<number> {
    const rows: unknown[] = await this.tx.manager.query(
      `DELETE FROM processed_message WHERE ctid IN (
         SELECT ctid FROM processed_message WHERE processed_at < $1 LIMIT $2)
       RETURNING 1`,
      [cutoff, limit],
    );
    return rows.length;
  }
}
