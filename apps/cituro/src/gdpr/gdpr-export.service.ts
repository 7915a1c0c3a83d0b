import { Injectable } from '@nestjs/common';
import type { CituroGdprExportView, GdprExportQuery } from '@crm/contracts';
import { InvitationRepository } from '../bookings/invitation.repository';
import { BookingRepository } from '../webhooks/booking.repository';

/** Cituro's part of a GDPR export (api.md §17): the lead's Cituro customer id and its bookings. */
@Injectable()
export class GdprExportService {
  constructor(
    private readonly links: InvitationRepository,
    private readonly bookings: BookingRepository,
  ) {}

  async export({ lead_id }: GdprExportQuery): Promise<CituroGdprExportView> {
    const customerId = await this.links.customerIdOfLead(lead_id);
    const bookings = await this.bookings.bookingsOf(lead_id, customerId);
    return {
      customer_id: customerId,
      bookings: bookings.map((b) => ({
        event_id: b.dedupe_key,
        event_type: b.event_type,
        customer_id: b.customer_id,
        appointment: b.appointment,
        received_at: new Date(b.received_at).toISOString(),
      })),
    };
  }
}
