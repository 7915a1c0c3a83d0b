import { Injectable } from '@nestjs/common';
import { CRM_ACTIVITY_SOURCE, type EventView } from '@crm/contracts';
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

/** An event row as `GET /events` shows it, before dates become strings and the lead an object. */
export type EventRow = Omit<
  EventView,
  'occurred_at' | 'received_at' | 'processed_at' | 'created_at' | 'lead'
> & {
  occurred_at: Date;
  received_at: Date;
  processed_at: Date | null;
  created_at: Date;
  lead_email: string | null;
  lead_first_name: string | null;
  lead_last_name: string | null;
};

export interface EventFilter {
  leadId?: string;
  eventType?: string;
  source?: string;
  eventCategory?: string;
  occurredAfter?: string;
  occurredBefore?: string;
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

  /** A page of events, newest first, with their points and lead, and how many match. */
  async page(
    filter: EventFilter,
    limit: number,
    offset: number,
  ): Promise<{ rows: EventRow[]; total: number }> {
    const [total, rows] = await Promise.all([this.count(filter), this.rows(filter, limit, offset)]);
    return { rows, total };
  }

  async count(filter: EventFilter): Promise<number> {
    const { clause, params } = eventWhere(filter);
    const [{ total }]: { total: number }[] = await this.tx.manager.query(
      `SELECT count(*)::int AS total FROM lead_events e ${clause}`,
      params,
    );
    return total;
  }

  /** Events newest first, with their points and lead. */
  async rows(filter: EventFilter, limit: number, offset: number): Promise<EventRow[]> {
    const { clause, params } = eventWhere(filter);
    const param = (value: unknown) => `$${params.push(value)}`;
    return this.tx.manager.query(
      `SELECT e.event_id AS id, e.lead_id, e.event_type, e.event_category, e.source, e.occurred_at, e.received_at,
              e.metadata, e.correlation_id, e.campaign_id, e.utm_source, e.utm_medium, e.utm_campaign,
              s.points AS score_points, e.score_category, e.processed_at, e.created_at,
              l.email AS lead_email, l.first_name AS lead_first_name, l.last_name AS lead_last_name
         FROM lead_events e
         LEFT JOIN lead_event_scores s ON s.lead_id = e.lead_id AND s.event_id = e.event_id
         LEFT JOIN leads l ON l.id = e.lead_id
         ${clause}
        ORDER BY e.occurred_at DESC, e.id DESC
        LIMIT ${param(limit)} OFFSET ${param(offset)}`,
      params,
    );
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
   * Stores CRM activity rows (api.md §4.3), skipping one already stored (a redelivered domain event) and any of
   * a lead that has been erased (api.md §17: a late event must not bring its data back). The caller holds key-share
   * locks on the leads, so an erasure cannot run between this check and the commit. Returns how many were stored.
   */
  async insertCrmActivities(events: readonly NewLeadEvent[]): Promise<number> {
    if (!events.length) return 0;
    const rows: { id: string }[] = await this.tx.manager.query(
      `INSERT INTO lead_events (${NEW_EVENT.columns})
       SELECT ${NEW_EVENT.columns} FROM jsonb_to_recordset($1::jsonb) AS r(${NEW_EVENT.definition})
        WHERE NOT EXISTS (SELECT 1 FROM erasures x WHERE x.lead_id = r.lead_id)
       ON CONFLICT (source, event_id) DO NOTHING
       RETURNING id`,
      [NEW_EVENT.parameter(events)],
    );
    return rows.length;
  }

  /**
   * The points scoring applied for events of leads, for producer events recorded here (CRM activity rows are
   * never scored); a later value for the same event (a recalculation) replaces the earlier one.
   */
  async setScorePointsMany(points: readonly EventScorePoints[]): Promise<void> {
    if (!points.length) return;
    await this.tx.manager.query(
      `INSERT INTO lead_event_scores (lead_id, event_id, points)
       SELECT DISTINCT ON (p.lead_id, p.event_id) p.lead_id, p.event_id, p.points
         FROM unnest($1::uuid[], $2::uuid[], $3::int[]) WITH ORDINALITY AS p(lead_id, event_id, points, n)
        WHERE EXISTS (SELECT 1 FROM lead_events e
                       WHERE e.lead_id = p.lead_id AND e.event_id = p.event_id AND e.source <> $4)
        ORDER BY p.lead_id, p.event_id, p.n DESC
       ON CONFLICT (lead_id, event_id) DO UPDATE SET points = EXCLUDED.points`,
      [
        points.map((p) => p.leadId),
        points.map((p) => p.eventId),
        points.map((p) => p.points),
        CRM_ACTIVITY_SOURCE,
      ],
    );
  }
}

function eventWhere(filter: EventFilter): { clause: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (filter.leadId) where.push(`e.lead_id = ${param(filter.leadId)}`);
  if (filter.eventType) where.push(`e.event_type = ${param(filter.eventType)}`);
  if (filter.source) where.push(`e.source = ${param(filter.source)}`);
  if (filter.eventCategory) where.push(`e.event_category = ${param(filter.eventCategory)}`);
  if (filter.occurredAfter) where.push(`e.occurred_at >= ${param(filter.occurredAfter)}`);
  if (filter.occurredBefore) where.push(`e.occurred_at < ${param(filter.occurredBefore)}`);
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}
