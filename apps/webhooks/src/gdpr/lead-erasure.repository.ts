import { Injectable } from '@nestjs/common';
import { eraseMessagesMentioning } from '@crm/messaging';
import { TransactionHost } from '@crm/service-kit';

/**
 * What webhooks holds about a lead: deliveries whose payload is about the lead (`lead_id`) or mentions it, sent
 * or not (their bodies may hold the person's email and name), and queued or dead-lettered messages naming it.
 */
@Injectable()
export class LeadErasureRepository {
  constructor(private readonly tx: TransactionHost) {}

  async eraseLead(leadId: string): Promise<Record<string, number>> {
    const [{ n }]: { n: number }[] = await this.tx.manager.query(
      `WITH deleted AS (
         DELETE FROM webhook_delivery WHERE lead_id = $1 OR body LIKE '%' || $1 || '%' RETURNING 1
       ) SELECT count(*)::int AS n FROM deleted`,
      [leadId],
    );
    return { webhook_deliveries: n, messages: await eraseMessagesMentioning(this.tx.manager, [leadId]) };
  }

  async countDeliveriesOf(leadId: string): Promise<number> {
    const [{ n }]: { n: number }[] = await this.tx.manager.query(
      `SELECT count(*)::int AS n FROM webhook_delivery WHERE lead_id = $1`,
      [leadId],
    );
    return n;
  }
}
