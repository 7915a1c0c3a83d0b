import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';

/** Received MOCO webhooks, deduped on (target, event, id, updated_at) (external-apis.md 1.6). */
@Injectable()
export class WebhookReceiptRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** true when this delivery is new; false when it was received before. */
  async record(key: {
    target: string;
    event: string;
    entityId: string;
    updatedAt: string;
  }): Promise<boolean> {
    const rows: unknown[] = await this.tx.manager.query(
      `INSERT INTO webhook_receipts (target, event, entity_id, entity_updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT webhook_receipts_dedupe DO NOTHING RETURNING id`,
      [key.target, key.event, key.entityId, key.updatedAt],
    );
    return rows.length > 0;
  }

  /** Forgets receipts older than `days` (MOCO stops retrying a delivery long before), in bounded chunks. */
  async pruneOlderThan(days: number): Promise<number> {
    const result: [unknown[], number] = await this.tx.manager.query(
      `DELETE FROM webhook_receipts WHERE id IN (
         SELECT id FROM webhook_receipts WHERE received_at < now() - make_interval(days => $1) LIMIT 5000)`,
      [days],
    );
    return result[1];
  }
}
