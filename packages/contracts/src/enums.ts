/** Shared vocabularies (product.md, api.md). Arrays so they can drive validation and docs alike. */
export const EVENT_SOURCES = [
  'waalaxy',
  'portal',
  'lemlist',
  'ads',
  'conference',
  'website',
  'linkedin',
  'manual',
  'api',
  'import',
] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/**
 * The `source` of the CRM's own activity rows in the event feed (api.md §4.3). It is not an EVENT_SOURCES value, so
 * no producer can send it: it alone tells CRM activity rows from producer events (`event_category` is free text
 * producers may set to anything, `activity` included).
 */
export const CRM_ACTIVITY_SOURCE = 'crm';

/** `event_category` of CRM activity rows: `activity` when a person (or a key) acted, `system` for the CRM's own. */
export const CRM_ACTIVITY_CATEGORIES = ['activity', 'system'] as const;
export type CrmActivityCategory = (typeof CRM_ACTIVITY_CATEGORIES)[number];

export const SCORE_CATEGORIES = ['demographic', 'engagement', 'behavior'] as const;
export type ScoreCategory = (typeof SCORE_CATEGORIES)[number];

export const SCORE_TIERS = ['cold', 'warm', 'hot', 'very_hot'] as const;
export type ScoreTier = (typeof SCORE_TIERS)[number];

export const STAGE_TYPES = [
  'awareness',
  'interest',
  'consideration',
  'evaluation',
  'decision',
  'closed_won',
  'closed_lost',
] as const;
export type StageType = (typeof STAGE_TYPES)[number];

export const DEAL_STATUSES = ['open', 'won', 'lost'] as const;
export type DealStatus = (typeof DEAL_STATUSES)[number];

export const TRIGGER_ACTIONS = [
  'send_notification_email',
  'send_cituro_booking',
  'create_moco_customer',
  'create_moco_deal',
  'create_moco_project',
  'create_moco_offer',
  'create_moco_invoice_draft',
  'send_slack_message',
  'create_task',
  'enroll_email_sequence',
] as const;
export type TriggerAction = (typeof TRIGGER_ACTIONS)[number];

export const TRIGGER_RUN_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped'] as const;
export type TriggerRunStatus = (typeof TRIGGER_RUN_STATUSES)[number];

export const ACTOR_TYPES = ['user', 'api_key', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** Scoring rule types (api.md §10): event rules, fit (field) rules, and count thresholds. */
export const SCORING_RULE_TYPES = ['event', 'field', 'threshold'] as const;
export type ScoringRuleType = (typeof SCORING_RULE_TYPES)[number];

/** Operators of a fit (`field`) rule (product.md, Scoring). */
export const FIELD_OPERATORS = [
  'equals',
  'in',
  'contains',
  'not_contains',
  'pattern',
  'not_pattern',
  'gte',
  'lte',
] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];

/** Numeric bounds of an event rule's metadata condition. */
export const COMPARISON_OPERATORS = ['lt', 'lte', 'gt', 'gte'] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/** Team roles (product.md); `config` routes are for admin and marketing_manager (api.md §1.2). */
export const MEMBER_ROLES = ['bdr', 'ae', 'partnership_manager', 'marketing_manager', 'admin'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** Lower bounds of the score tiers (api.md §10): cold 0–39, warm 40–79, hot 80–119, very_hot ≥ 120. */
export const SCORE_TIER_MINIMUMS = { cold: 0, warm: 40, hot: 80, very_hot: 120 } as const satisfies Record<
  ScoreTier,
  number
>;

/** Product intents (product.md, Intent). */
export const INTENTS = ['research', 'b2b', 'co_creation'] as const;
export type Intent = (typeof INTENTS)[number];

/** Intent rules read recorded events or the lead's fit profile. */
export const INTENT_RULE_TYPES = ['event', 'field'] as const;
export type IntentRuleType = (typeof INTENT_RULE_TYPES)[number];

/** Tasks (api.md §13). */
export const TASK_STATUSES = ['open', 'in_progress', 'completed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/** api.md §5 lead enums. */
export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'nurturing', 'customer', 'churned'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
export const LIFECYCLE_STAGES = ['subscriber', 'lead', 'mql', 'sql', 'opportunity', 'customer'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];
