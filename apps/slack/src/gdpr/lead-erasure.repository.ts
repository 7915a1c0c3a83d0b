import { Injectable } from '@nestjs/common';
import { deleteCounted, eraseMessagesMentioning } from '@crm/messaging';
import { TransactionHost } from '@crm/service-kit';

/**
 * What slack holds about a lead. Its message log keeps no message text (only channel, status and the requester's
 * reference), so what can name a person is a queued or dead-lettered post mentioning the lead (alert commands
 * name the lead id in their reference); its alert rows (no text, but the lead id) are deleted too.
 */
@Injectable()
export class LeadErasureRepository {
  constructor(private readonly tx: TransactionHost) {}

  async eraseLead(leadId: string): Promise<Record<string, number>> {
    return {
      messages: await eraseMessagesMentioning(this.tx.manager, [leadId]),
      alerts: await deleteCounted(this.tx.manager, 'alerts', leadId),
    };
  }

  /**
   * Messages sent for these requesters (the `reference` a trigger run gives its posts) and the alerts posted about
   * the lead (reference `alert:<type>:<lead id>`).
   */
  async countMessagesOf(references: readonly string[], leadId: string): Promise<number> {
    const [{ n }]: { n: number }[] = await this.tx.manager.query(
      `SELECT count(*)::int AS n FROM message_log
        WHERE status = 'sent' AND (reference = ANY($1::text[]) OR reference LIKE 'alert:%:' || $2)`,
      [references, leadId],
    );
    return n;
  }
}
