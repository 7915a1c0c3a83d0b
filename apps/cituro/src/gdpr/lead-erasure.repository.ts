import { Injectable } from '@nestjs/common';
import { deleteCounted, eraseMessagesMentioning } from '@crm/messaging';
import { TransactionHost } from '@crm/service-kit';

/**
 * What cituro holds about a lead: its customer mapping, the invitations sent to it and the bookings of its
 * customer, plus queued or dead-lettered messages mentioning it.
 */
@Injectable()
export class LeadErasureRepository {
  constructor(private readonly tx: TransactionHost) {}

  async eraseLead(leadId: string): Promise<Record<string, number>> {
    const manager = this.tx.manager;
    // Bookings first: they are found through the mapping too (a booking recorded before the lead was known).
    const [{ n: bookings }]: { n: number }[] = await manager.query(
      `WITH deleted AS (
         DELETE FROM bookings
          WHERE lead_id = $1 OR customer_id IN (SELECT customer_id FROM customer_links WHERE lead_id = $1)
         RETURNING 1)
       SELECT count(*)::int AS n FROM deleted`,
      [leadId],
    );
    const invitations = await deleteCounted(manager, 'invitations', leadId);
    const customerLinks = await deleteCounted(manager, 'customer_links', leadId);
    const messages = await eraseMessagesMentioning(manager, [leadId]);
    return { customer_links: customerLinks, invitations, bookings, messages };
  }
}
