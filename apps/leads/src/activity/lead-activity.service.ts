import { Injectable } from '@nestjs/common';
import { NotFoundError, type EventView, type ListEventsQuery, type TimelineItemView } from '@crm/contracts';
import { DealRepository } from '../deals/deal.repository';
import { LeadNoteRepository } from '../imports/lead-note.repository';
import { LeadEventRepository, type EventRow } from '../leads/lead-event.repository';
import { LeadRepository } from '../leads/lead.repository';
import { TaskRepository } from '../tasks/task.repository';

/** How many items of each kind a timeline merges (newest first). */
const TIMELINE_DEPTH = 200;

/** What happened with leads: the event feed (api.md §4.3) and a lead's timeline (api.md §5). */
@Injectable()
export class LeadActivityService {
  constructor(
    private readonly events: LeadEventRepository,
    private readonly leads: LeadRepository,
    private readonly deals: DealRepository,
    private readonly tasks: TaskRepository,
    private readonly notes: LeadNoteRepository,
  ) {}

  async listEvents(query: ListEventsQuery): Promise<{ data: EventView[]; total: number }> {
    const { rows, total } = await this.events.page(
      {
        leadId: query.lead_id,
        eventType: query.event_type,
        source: query.source,
        eventCategory: query.event_category,
        occurredAfter: query.occurred_after,
        occurredBefore: query.occurred_before,
      },
      query.limit,
      query.offset,
    );
    return { data: rows.map(toEventView), total };
  }

  /** `GET /leads/:id/events`: 404 for an unknown lead. */
  async eventsOfLead(
    query: ListEventsQuery & { lead_id: string },
  ): Promise<{ data: EventView[]; total: number }> {
    if (!(await this.leads.findById(query.lead_id))) throw new NotFoundError('Lead', query.lead_id);
    return this.listEvents(query);
  }

  /** Activities (events), tasks, stage changes and imported notes of the lead, merged newest first. */
  async timeline(
    leadId: string,
  ): Promise<{ data: TimelineItemView[]; meta: { lead_id: string; count: number } }> {
    // Independent reads outside a transaction: each on its own pooled connection, at once, so the request waits
    // for the slowest rather than for the sum.
    const [lead, events, tasks, history, notes] = await Promise.all([
      this.leads.findById(leadId),
      this.events.rows({ leadId }, TIMELINE_DEPTH, 0),
      this.tasks.all({ where: ['t.lead_id = $1'], params: [leadId] }, TIMELINE_DEPTH),
      this.deals.historyOfLead(leadId, TIMELINE_DEPTH),
      this.notes.ofLead(leadId, TIMELINE_DEPTH),
    ]);
    if (!lead) throw new NotFoundError('Lead', leadId);
    const items: TimelineItemView[] = [
      ...events.map((e) => ({
        timeline_type: 'activity' as const,
        ...toEventView(e),
        created_at: iso(e.occurred_at)!,
      })),
      ...tasks.map((t) => ({
        timeline_type: 'task' as const,
        ...t,
        due_date: iso(t.due_date),
        completed_at: iso(t.completed_at),
        created_at: iso(t.created_at)!,
        updated_at: iso(t.updated_at),
      })),
      ...history.map((h) => ({
        timeline_type: 'stage_change' as const,
        id: h.id,
        created_at: iso(h.movedAt)!,
        deal_id: h.dealId,
        deal_name: h.dealName,
        from_stage_id: h.fromStageId,
        from_stage_name: h.fromStageName,
        to_stage_id: h.toStageId,
        to_stage_name: h.toStageName,
        from_status: h.fromStatus,
        to_status: h.toStatus,
        reason: h.reason,
        moved_by: { type: h.movedByType, id: h.movedById, name: h.movedByName },
      })),
      ...notes.map((n) => ({
        timeline_type: 'note' as const,
        id: n.id,
        created_at: iso(n.createdAt)!,
        lead_id: n.leadId,
        note_type: n.noteType,
        content: n.content,
        source: n.source,
        batch_id: n.batchId,
      })),
    ].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id));
    return { data: items, meta: { lead_id: leadId, count: items.length } };
  }
}

function iso(date: Date | string | null): string | null {
  return date ? new Date(date).toISOString() : null;
}

function toEventView(e: EventRow): EventView {
  return {
    id: e.id,
    lead_id: e.lead_id,
    event_type: e.event_type,
    event_category: e.event_category,
    source: e.source,
    occurred_at: iso(e.occurred_at)!,
    received_at: iso(e.received_at)!,
    metadata: e.metadata,
    correlation_id: e.correlation_id,
    campaign_id: e.campaign_id,
    utm_source: e.utm_source,
    utm_medium: e.utm_medium,
    utm_campaign: e.utm_campaign,
    score_points: e.score_points,
    score_category: e.score_category,
    processed_at: iso(e.processed_at),
    created_at: iso(e.created_at)!,
    lead: e.lead_id
      ? { id: e.lead_id, email: e.lead_email, first_name: e.lead_first_name, last_name: e.lead_last_name }
      : null,
  };
}
