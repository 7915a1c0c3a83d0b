import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';

@Injectable()
export class InboxRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Records the message for the consumer; false when it was already processed (a redelivery or re-publish). */
  async markProcessed(consumer: string, messageId: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.manager.query(
      `INSERT INTO processed_message (consumer, message_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [consumer, messageId],
    );
    return rows.length === 1;
  }
}
