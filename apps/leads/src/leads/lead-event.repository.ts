import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';
import { LeadEventEntity } from './lead-event.entity';
import { Recordset } from './recordset';

/** The dedupe key of the event log. */
export interface LeadEventKey {
  source: string;
  eventId: string;
}

export type NewLeadEvent = Omit<LeadEventEntity, 'id' | 'createdAt'>;

export interface EventScorePoints {
  leadId: string;
  eventId: string;
  points: number;
}

/** The columns of a new event row, as the bulk insert writes them. */
const NEW_EVENT = new Recordset<NewLeadEvent>([
  ['event_id', 'eventId', 'uuid'],
  ['producer_event_id', 'producerEventId', 'varchar'],
  ['lead_id', 'leadId', 'uuid'],
  ['event_type', 'eventType', 'varchar'],
  ['event_category', 'eventCategory', 'varchar'],
  ['source', 'source', 'varchar'],
  ['occurred_at', 'occurredAt', 'timestamptz'],
  ['received_at', 'receivedAt', 'timestamptz'],
  ['metadata', 'metadata', 'jsonb'],
  ['campaign_id', 'campaignId', 'varchar'],
  ['utm_source', 'utmSource', 'varchar'],
  ['utm_medium', 'utmMedium', 'varchar'],
  ['utm_campaign', 'utmCampaign', 'varchar'],
  ['correlation_id', 'correlationId', 'varchar'],
  ['score_category', 'scoreCategory', 'varchar'],
  ['processed_at', 'processedAt', 'timestamptz'],
]);

export function leadEventKeyOf({ source, eventId }: LeadEventKey): string {
  return `${source}:${eventId}`;
}

@Injectable()
export class LeadEventRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Which of the keys are recorded already (as `leadEventKeyOf` strings). */
  async findRecorded(keys: readonly LeadEventKey[]): Promise<Set<string>> {
    if (!keys.length) return new Set();
    const rows: { source: string; event_id: string }[] = await this.tx.manager.query(
      `SELECT e.source, e.event_id
         FROM lead_events e
         JOIN unnest($1::varchar[], $2::uuid[]) AS k(source, event_id)
           ON e.source = k.source AND e.event_id = k.event_id`,
      [keys.map((k) => k.source), keys.map((k) => k.eventId)],
    );
    return new Set(rows.map((row) => leadEventKeyOf({ source: row.source, eventId: row.event_id })));
  }

  /**
   * Stores the events; one whose `(source, event_id)` is already recorded is skipped. Returns how many were
   * stored.
   */
  async insertMany(events: readonly NewLeadEvent[]): Promise<number> {
    if (!events.length) return 0;
    const rows: { id: string }[] = await this.tx.manager.query(
      `INSERT INTO lead_events (${NEW_EVENT.columns})
       SELECT ${NEW_EVENT.columns} FROM jsonb_to_recordset($1::jsonb) AS r(${NEW_EVENT.definition})
       ON CONFLICT (source, event_id) DO NOTHING
       RETURNING id`,
      [NEW_EVENT.parameter(events)],
    );
    return rows.length;
  }

  /**
   * The points scoring applied for events of leads, for events recorded here; a later value for the same event
   * (a recalculation) replaces the earlier one.
   */
  async setScorePointsMany(points: readonly EventScorePoints[]): Promise<void> {
    if (!points.length) return;
    await this.tx.manager.query(
      `INSERT INTO lead_event_scores (lead_id, event_id, points)
       SELECT DISTINCT ON (p.lead_id, p.event_id) p.lead_id, p.event_id, p.points
         FROM unnest($1::uuid[], $2::uuid[], $3::int[]) WITH ORDINALITY AS p(lead_id, event_id, points, n)
        WHERE EXISTS (SELECT 1 FROM lead_events e WHERE e.lead_id = p.lead_id AND e.event_id = p.event_id)
        ORDER BY p.lead_id, p.event_id, p.n DESC
       ON CONFLICT (lead_id, event_id) DO UPDATE SET points = EXCLUDED.points`,
      [points.map((p) => p.leadId), points.map((p) => p.eventId), points.map((p) => p.points)],
    );
  }
}
