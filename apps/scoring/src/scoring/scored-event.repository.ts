import { Injectable } from '@nestjs/common';
import type { LeadEventRecordedV1 } from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';

/** A recorded event as scoring keeps it for replays. */
export interface StoredEvent {
  event_id: string;
  lead_id: string;
  event_type: string;
  source: string;
  metadata: Record<string, unknown>;
  occurred_at: Date;
}

/** Scoring's own copy of the events it scored: what recalculation replays through the current rules. */
@Injectable()
export class ScoredEventRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Stores the events in one statement; an event stored before is left as it is. */
  async insertMany(events: LeadEventRecordedV1[]): Promise<void> {
    if (!events.length) return;
    await this.tx.manager.query(
      `INSERT INTO scored_events (event_id, lead_id, event_type, source, metadata, occurred_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::varchar[], $5::jsonb[], $6::timestamptz[])
       ON CONFLICT (event_id) DO NOTHING`,
      [
        events.map((e) => e.event_id),
        events.map((e) => e.lead_id),
        events.map((e) => e.event_type),
        events.map((e) => e.source),
        events.map((e) => JSON.stringify(e.metadata)),
        events.map((e) => e.occurred_at),
      ],
    );
  }

  /** The leads' stored events, per lead in event time (then event id, so a replay is deterministic). */
  async ofLeads(leadIds: string[]): Promise<StoredEvent[]> {
    return this.tx.manager.query(
      `SELECT event_id, lead_id, event_type, source, metadata, occurred_at FROM scored_events
        WHERE lead_id = ANY($1::uuid[]) ORDER BY lead_id, occurred_at, event_id`,
      [leadIds],
    );
  }

  /** Every stored event of one type, per lead in event time: what a preview of an event rule replays. */
  async ofType(eventType: string): Promise<StoredEvent[]> {
    return this.tx.manager.query(
      `SELECT event_id, lead_id, event_type, source, metadata, occurred_at FROM scored_events
        WHERE event_type = $1 ORDER BY lead_id, occurred_at, event_id`,
      [eventType],
    );
  }
}
