import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';

export interface NewBooking {
  dedupeKey: string;
  eventType: string;
  customerId: string | null;
  leadId: string | null;
  appointment: Record<string, unknown> | null;
}

export interface BookingRow {
  id: string;
  dedupe_key: string;
  event_type: string;
  customer_id: string | null;
  lead_id: string | null;
  appointment: Record<string, unknown> | null;
  received_at: Date;
}

/** The only code touching the bookings table. */
@Injectable()
export class BookingRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Records a booking event once per dedupe key: the new row's id and time, or null when it was already there. */
  async recordOnce(booking: NewBooking): Promise<{ id: string; received_at: Date } | null> {
    const rows: { id: string; received_at: Date }[] = await this.tx.manager.query(
      `INSERT INTO bookings (dedupe_key, event_type, customer_id, lead_id, appointment)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id, received_at`,
      [
        booking.dedupeKey,
        booking.eventType,
        booking.customerId,
        booking.leadId,
        booking.appointment === null ? null : JSON.stringify(booking.appointment),
      ],
    );
    return rows[0] ?? null;
  }

  async bookingsOf(leadId: string, customerId: string | null): Promise<BookingRow[]> {
    return this.tx.manager.query(
      `SELECT id, dedupe_key, event_type, customer_id, lead_id, appointment, received_at FROM bookings
        WHERE lead_id = $1 OR ($2::text IS NOT NULL AND customer_id = $2)
        ORDER BY received_at, id`,
      [leadId, customerId],
    );
  }
}
