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

  /** Messages sent for these requesters (the `reference` a trigger run gives its posts). */
  async countMessagesOf(references: readonly string[]): Promise<number> {
    if (!references.length) return 0;
    const [{ n }]: { n: number }[] = await this.tx.manager.query(
      `SELECT count(*)::int AS n FROM message_log WHERE reference = ANY($1::text[]) AND status = 'sent'`,
      [references],
    );
    return n;
  }
}
