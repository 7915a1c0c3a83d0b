import type { MessageEnvelope } from '@crm/contracts';

/**
 * The `data` fields api.md §19 lists per event type. Internal payloads carry more (snapshots for templates, names
 * and emails of people); only these leave the CRM.
 */
const DATA_FIELDS: Record<string, readonly string[]> = {
  'lead.created': [
    'lead_id',
    'email',
    'first_name',
    'last_name',
    'organization_id',
    'first_touch_source',
    'first_touch_campaign',
    'created_at',
  ],
  'lead.updated': ['lead_id', 'changed_fields', 'lead'],
  'lead.scored': [
    'lead_id',
    'email',
    'scores',
    'previous_total',
    'tier',
    'previous_tier',
    'tier_changed',
    'reason',
    'event_id',
  ],
  'lead.intent_detected': [
    'lead_id',
    'primary_intent',
    'intent_confidence',
    'intent_summary',
    'conflict',
    'previous_primary_intent',
    'detected_at',
  ],
  'lead.routed': [
    'lead_id',
    'email',
    'pipeline_id',
    'pipeline_slug',
    'pipeline_name',
    'deal_id',
    'assigned_to',
    'assigned_to_email',
    'primary_intent',
    'intent_confidence',
    'total_score',
    'routed_by',
    'routed_at',
  ],
  'lead.manual_review': ['lead_id', 'email', 'reason', 'intent_summary', 'total_score', 'days_in_pool'],
  'lead.erased': ['lead_id', 'erased_at'],
  'lead_import.completed': ['batch_id', 'source', 'total_leads', 'created', 'updated', 'skipped', 'failed'],
  'deal.created': [
    'deal_id',
    'lead_id',
    'pipeline_id',
    'stage_id',
    'name',
    'value',
    'currency',
    'assigned_to',
    'status',
    'created_at',
  ],
  'deal.assigned': ['deal_id', 'lead_id', 'assigned_to', 'previous_assigned_to', 'assigned_at'],
  'deal.stage_changed': [
    'deal_id',
    'lead_id',
    'pipeline_id',
    'from_stage_id',
    'from_stage_slug',
    'to_stage_id',
    'to_stage_slug',
    'to_stage_type',
    'status',
    'moved_by',
    'reason',
    'time_in_previous_stage_seconds',
    'occurred_at',
  ],
  'deal.won': [
    'deal_id',
    'lead_id',
    'pipeline_id',
    'stage_id',
    'name',
    'value',
    'currency',
    'close_reason',
    'assigned_to',
    'closed_at',
  ],
  'deal.reopened': ['deal_id', 'lead_id', 'stage_id', 'reopened_at'],
  'deal.deleted': ['deal_id', 'lead_id', 'pipeline_id', 'deleted_at'],
  'task.created': [
    'task_id',
    'lead_id',
    'deal_id',
    'title',
    'task_type',
    'assigned_to',
    'due_date',
    'priority',
    'status',
    'created_by',
  ],
  'trigger_run.failed': [
    'run_id',
    'trigger_id',
    'action',
    'stage_id',
    'deal_id',
    'lead_id',
    'attempts',
    'error',
    'final',
  ],
  'webhook.test': ['subscription_id', 'message'],
};
DATA_FIELDS['deal.lost'] = DATA_FIELDS['deal.won'];
DATA_FIELDS['task.completed'] = DATA_FIELDS['task.created'];

/** `moved_by` of deal.stage_changed is `{type, id}` in §19 (the internal actor also carries a name). */
const NESTED_FIELDS: Record<string, readonly string[]> = {
  moved_by: ['type', 'id'],
  error: ['code', 'message'],
};

/** An event as it goes on the wire (api.md §16): `{id, type, timestamp, data}`, `id` being the `webhook-id`. */
export interface WebhookEvent {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

function pick(source: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    fields.map((field) => {
      const value = source[field] ?? null;
      const nested = NESTED_FIELDS[field];
      return [
        field,
        nested && value && typeof value === 'object' ? pick(value as Record<string, unknown>, nested) : value,
      ];
    }),
  );
}

/** The §19 event of a domain event envelope: its message id (stable across redeliveries), type and data. */
export function webhookEventOf(type: string, envelope: MessageEnvelope<object>): WebhookEvent {
  const fields = DATA_FIELDS[type];
  if (!fields) throw new Error(`no api.md §19 data fields for ${type}`);
  return {
    id: envelope.id,
    type,
    timestamp: envelope.occurred_at,
    data: pick(envelope.data as Record<string, unknown>, fields),
  };
}

/** The lead an event is about, if any: GDPR erasure deletes its deliveries. */
export function leadIdOf(event: WebhookEvent): string | null {
  const leadId = event.data.lead_id;
  return typeof leadId === 'string' ? leadId : null;
}
