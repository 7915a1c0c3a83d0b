import {
  CRM_ACTIVITY_SOURCE,
  Subjects,
  type CrmActivityCategory,
  type DealClosedV1,
  type DealCreatedV1,
  type MessageEnvelope,
  type PayloadOf,
  type TaskChangedV1,
} from '@crm/contracts';
import type { NewLeadEvent } from '../leads/lead-event.repository';

/** The domain events of leads that become CRM activity rows of the event feed (api.md §4.3). */
export const CRM_ACTIVITY_SUBJECTS = [
  Subjects.LeadCreated,
  Subjects.DealCreated,
  Subjects.DealStageChanged,
  Subjects.DealWon,
  Subjects.DealLost,
  Subjects.LeadRouted,
  Subjects.LeadManualReview,
  Subjects.TaskCreated,
  Subjects.TaskCompleted,
  Subjects.MocoInvoicePaid,
] as const;
export type CrmActivitySubject = (typeof CRM_ACTIVITY_SUBJECTS)[number];

/** What a domain event says about its lead, before it becomes a row. */
interface CrmActivity {
  leadId: string;
  eventType: string;
  eventCategory: CrmActivityCategory;
  /** when it happened; absent: when the event was published */
  occurredAt?: string;
  /** ids and names a reader of the feed needs; never the lead's personal data (the row joins the lead). */
  metadata: Record<string, unknown>;
}

type ActivityOf<S extends CrmActivitySubject> = (data: PayloadOf[S]) => CrmActivity | null;

/** Routing's own tasks (the first-contact task of a routed deal) are the CRM's doing, not a person's. */
const ROUTING_CREATOR = 'routing';

/** What the deal events share: which deal, where, and worth what. */
const dealFacts = (deal: DealCreatedV1 | DealClosedV1) => ({
  deal_id: deal.deal_id,
  deal_name: deal.name,
  pipeline_id: deal.pipeline_id,
  stage_id: deal.stage_id,
  value: deal.value,
  currency: deal.currency,
  assigned_to: deal.assigned_to,
});

const dealClosed =
  (eventType: 'deal_won' | 'deal_lost') =>
  (deal: DealClosedV1): CrmActivity => ({
    leadId: deal.lead_id,
    eventType,
    eventCategory: 'activity',
    occurredAt: deal.closed_at,
    metadata: { ...dealFacts(deal), close_reason: deal.close_reason },
  });

const task =
  (eventType: 'task_created' | 'task_completed') =>
  (t: TaskChangedV1): CrmActivity | null =>
    t.lead_id
      ? {
          leadId: t.lead_id,
          eventType,
          eventCategory:
            t.created_by === ROUTING_CREATOR && eventType === 'task_created' ? 'system' : 'activity',
          metadata: {
            task_id: t.task_id,
            deal_id: t.deal_id,
            title: t.title,
            task_type: t.task_type,
            assigned_to: t.assigned_to,
            due_date: t.due_date,
            priority: t.priority,
            status: t.status,
            created_by: t.created_by,
          },
        }
      : null; // a task of no lead has no place in a lead's feed

const ACTIVITIES: { [S in CrmActivitySubject]: ActivityOf<S> } = {
  [Subjects.LeadCreated]: (lead) => ({
    leadId: lead.lead_id,
    eventType: 'lead_created',
    eventCategory: 'activity',
    occurredAt: lead.created_at,
    metadata: {
      organization_id: lead.organization_id,
      first_touch_source: lead.first_touch_source,
      first_touch_campaign: lead.first_touch_campaign,
    },
  }),
  [Subjects.DealCreated]: (deal) => ({
    leadId: deal.lead_id,
    eventType: 'deal_created',
    eventCategory: 'activity',
    occurredAt: deal.created_at,
    metadata: { ...dealFacts(deal), status: deal.status },
  }),
  [Subjects.DealStageChanged]: (change) => ({
    leadId: change.lead_id,
    eventType: 'deal_stage_changed',
    eventCategory: change.moved_by.type === 'system' ? 'system' : 'activity',
    occurredAt: change.occurred_at,
    metadata: {
      deal_id: change.deal_id,
      deal_name: change.deal.name,
      pipeline_id: change.pipeline_id,
      pipeline_name: change.pipeline_name,
      stage_history_id: change.stage_history_id,
      from_stage_id: change.from_stage_id,
      from_stage_slug: change.from_stage_slug,
      to_stage_id: change.to_stage_id,
      to_stage_slug: change.to_stage_slug,
      to_stage_name: change.to_stage_name,
      to_stage_type: change.to_stage_type,
      status: change.status,
      reason: change.reason,
      moved_by: { type: change.moved_by.type, id: change.moved_by.id, name: change.moved_by.name ?? null },
      time_in_previous_stage_seconds: change.time_in_previous_stage_seconds,
    },
  }),
  [Subjects.MocoInvoicePaid]: (invoice) => ({
    leadId: invoice.lead_id,
    eventType: 'invoice_paid',
    eventCategory: 'activity',
    occurredAt: invoice.paid_at,
    metadata: {
      deal_id: invoice.deal_id,
      moco_invoice_id: invoice.moco_invoice_id,
      identifier: invoice.identifier,
      gross_total: invoice.gross_total,
      currency: invoice.currency,
    },
  }),
  [Subjects.DealWon]: dealClosed('deal_won'),
  [Subjects.DealLost]: dealClosed('deal_lost'),
  [Subjects.LeadRouted]: (routed) => ({
    leadId: routed.lead_id,
    eventType: 'lead_routed',
    eventCategory: routed.routed_by === 'manual' ? 'activity' : 'system',
    occurredAt: routed.routed_at,
    metadata: {
      deal_id: routed.deal_id,
      pipeline_id: routed.pipeline_id,
      pipeline_slug: routed.pipeline_slug,
      pipeline_name: routed.pipeline_name,
      assigned_to: routed.assigned_to,
      routed_by: routed.routed_by,
      primary_intent: routed.primary_intent,
      intent_confidence: routed.intent_confidence,
      total_score: routed.total_score,
    },
  }),
  [Subjects.LeadManualReview]: (review) => ({
    leadId: review.lead_id,
    eventType: 'lead_manual_review',
    eventCategory: 'system',
    occurredAt: review.occurred_at,
    metadata: {
      reason: review.reason,
      intent_summary: { ...review.intent_summary },
      total_score: review.total_score,
      days_in_pool: review.days_in_pool,
    },
  }),
  [Subjects.TaskCreated]: task('task_created'),
  [Subjects.TaskCompleted]: task('task_completed'),
};

/**
 * The feed row of a domain event, or null when it concerns no lead. Its `event_id` is the domain event's id, so a
 * redelivery finds the row already stored, and the feed id equals the id integrators see (api.md §16, §19).
 */
export function crmActivityRowOf<S extends CrmActivitySubject>(
  subject: S,
  envelope: MessageEnvelope<PayloadOf[S]>,
  recordedAt: Date,
): NewLeadEvent | null {
  const activity = (ACTIVITIES[subject] as ActivityOf<S>)(envelope.data);
  if (!activity) return null;
  return {
    eventId: envelope.id,
    producerEventId: null,
    leadId: activity.leadId,
    eventType: activity.eventType,
    eventCategory: activity.eventCategory,
    source: CRM_ACTIVITY_SOURCE,
    occurredAt: new Date(activity.occurredAt ?? envelope.occurred_at),
    receivedAt: recordedAt,
    metadata: activity.metadata,
    campaignId: null,
    utmSource: null,
    utmMedium: null,
    utmCampaign: null,
    correlationId: envelope.correlation_id.slice(0, 128),
    scoreCategory: null,
    processedAt: recordedAt,
  };
}
