import type {
  ActorType,
  Intent,
  IntentRuleType,
  MemberRole,
  DealStatus,
  ScoreCategory,
  ScoreTier,
  ScoringRuleType,
  StageType,
  TriggerAction,
  TriggerRunStatus,
} from '../enums';

/** Response shapes of the gateway API (api.md), produced by the owning service and passed through. */
export interface LeadView {
  id: string;
  /** null for a lead known so far only by an external id (Waalaxy, Lemlist, portal). */
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  job_title: string | null;
  organization_id: string | null;
  organization_name: string | null;
  status: string;
  lifecycle_stage: string;
  demographic_score: number;
  engagement_score: number;
  behavior_score: number;
  total_score: number;
  score_tier: ScoreTier;
  pipeline_id: string | null;
  routing_status: string;
  routed_at: string | null;
  primary_intent: string | null;
  intent_confidence: number | null;
  intent_summary: { research: number; b2b: number; co_creation: number };
  first_touch_source: string | null;
  first_touch_campaign: string | null;
  first_touch_date: string | null;
  last_touch_source: string | null;
  last_touch_campaign: string | null;
  last_touch_date: string | null;
  portal_id: string | null;
  waalaxy_id: string | null;
  linkedin_url: string | null;
  lemlist_id: string | null;
  consent_date: string | null;
  consent_source: string | null;
  gdpr_delete_requested: string | null;
  created_at: string;
  updated_at: string;
  last_activity: string | null;
}

export interface PipelineView {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  is_active: boolean;
  is_default: boolean;
  sales_cycle_days: number | null;
  target_persona: string | null;
  config: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  deals_count?: number;
  total_value?: number;
  stages_count?: number;
}

export interface StageView {
  id: string;
  pipeline_id: string;
  slug: string;
  name: string;
  position: number;
  color: string | null;
  stage_type: StageType | null;
  created_at: string;
}

/** A stage with the name of its pipeline (`LeadsGetStage`). */
export interface StageDetailView extends StageView {
  pipeline_name: string;
}

export interface DealView {
  id: string;
  lead_id: string;
  pipeline_id: string;
  stage_id: string;
  position: number;
  name: string;
  title: string;
  value: number | null;
  currency: string;
  expected_close_date: string | null;
  expected_close: string | null;
  stage_entered_at: string;
  assigned_to: string | null;
  assigned_to_name: string | null;
  assigned_to_email: string | null;
  assigned_to_avatar: string | null;
  assigned_region: string | null;
  assigned_at: string | null;
  status: DealStatus;
  close_reason: string | null;
  closed_at: string | null;
  moco_offer_id: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  pipeline_name: string;
  stage_name: string;
  stage_type: StageType | null;
  lead_name: string | null;
  lead_email: string | null;
  lead_company: string | null;
  contact_name: string | null;
  contact_email: string | null;
  company_name: string | null;
  email_sequence: null;
}

export interface StageHistoryView {
  id: string;
  deal_id: string;
  from_stage_id: string | null;
  from_stage_name: string | null;
  /** null once the stage was deleted; the name stays. */
  to_stage_id: string | null;
  to_stage_name: string;
  from_status: DealStatus | null;
  to_status: DealStatus;
  moved_at: string;
  time_in_previous_stage_seconds: number | null;
  reason: string;
  moved_by: { type: ActorType; id: string | null; name: string | null };
}

export interface TriggerView {
  id: string;
  action: TriggerAction;
  name: string | null;
  description: string | null;
  on: 'enter' | 'exit';
  conditions: Record<string, unknown>;
  config: Record<string, unknown>;
  enabled: boolean;
}

export interface StageTriggersView {
  stage_id: string;
  stage_name: string;
  available_actions: {
    action: TriggerAction;
    description: string;
    required_fields: string[];
    config_fields: { name: string; type: string; required: boolean }[];
  }[];
  configured_triggers: TriggerView[];
}

/** `ListStagesTriggersQuery`'s answer: one row per requested stage, in request order (`[]` when it has none). */
export interface StagesTriggersView {
  data: { stage_id: string; configured_triggers: TriggerView[] }[];
}

export interface TriggerRunStepView {
  name: string;
  status: TriggerRunStatus;
  attempts: number;
  external_id: string | null;
  error: { code: string; message: string; retryable: boolean } | null;
  started_at: string | null;
  finished_at: string | null;
}

export interface TriggerRunView {
  id: string;
  /** null for a manual execution (`POST /triggers/execute`), which runs no saved trigger. */
  trigger_id: string | null;
  trigger_name: string | null;
  action: TriggerAction;
  on: 'enter' | 'exit';
  stage_id: string | null;
  deal_id: string | null;
  lead_id: string | null;
  stage_history_id: string | null;
  idempotency_key: string;
  source: 'stage_change' | 'manual' | 'retry';
  dry_run: boolean;
  status: TriggerRunStatus;
  attempts: number;
  max_attempts: number;
  next_attempt_at: string | null;
  error: { code: string; message: string; retryable: boolean } | null;
  result: Record<string, unknown> | null;
  /** what was (or, for a dry run, would be) sent to the vendor, rendered. */
  payload: Record<string, unknown> | null;
  steps: TriggerRunStepView[];
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** A scoring rule (api.md §10). `archived_at` (new): set when the rule was deleted; archived rules never apply. */
export interface ScoringRuleView {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  is_active: boolean;
  priority: number;
  rule_type: ScoringRuleType;
  category: ScoreCategory;
  conditions: Record<string, unknown>;
  points: number;
  max_per_day: number | null;
  max_per_lead: number | null;
  decay_days: number | null;
  version: number;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
  stats?: { total_applications: number; unique_leads: number; total_points: number };
}

/** One application of a rule to a lead (api.md §10 ledger row). */
export interface ScoreLedgerRowView {
  id: string;
  lead_id: string;
  event_id: string | null;
  rule_id: string;
  rule_slug: string;
  /** The rule's name at the version that was applied. */
  rule_name: string;
  rule_version: number;
  category: ScoreCategory;
  points_change: number;
  /** Why the row exists: `event`, `fit`, or `fit_withdrawn` (a fit rule that stopped matching, points taken back). */
  reason: string;
  /** The category's running total just after this row, in event-time order (expired rows count 0). */
  new_total: number;
  occurred_at: string;
  expires_at: string | null;
  expired: boolean;
  expired_at: string | null;
  created_at: string;
}

/** The scoring side of `GET /scoring/leads/:leadId/breakdown`; the gateway adds the lead's email. */
export interface ScoreBreakdownView {
  lead_id: string;
  score_tier: ScoreTier;
  demographic: number;
  engagement: number;
  behavior: number;
  total: number;
  history_count: number;
  expired_points: number;
}

/** An intent rule (added, api.md §10): confidence points for one intent, at most once per lead. */
export interface IntentRuleView {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  is_active: boolean;
  priority: number;
  intent: Intent;
  rule_type: IntentRuleType;
  conditions: Record<string, unknown>;
  points: number;
  version: number;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

/** One intent signal of a lead (api.md §5 `/leads/:id/intents`). */
export interface IntentSignalView {
  id: string;
  lead_id: string;
  intent: Intent;
  rule_id: string;
  rule_slug: string;
  confidence_points: number;
  trigger_type: IntentRuleType;
  event_id: string | null;
  trigger_data: Record<string, unknown>;
  detected_at: string;
}

/** The answer of `POST /scoring/leads/:leadId/recalculate` (api.md §10). */
export interface LeadRecalculationView {
  lead_id: string;
  old_score: number;
  new_scores: { demographic: number; engagement: number; behavior: number; total: number };
  score_tier: string;
  changed: boolean;
  /** (added) false when the lead holds points of events scored before scoring kept its own copy: left as it was. */
  replayed: boolean;
}

/** A background scoring job (added: `GET /scoring/jobs/:id`). */
export interface ScoringJobView {
  id: string;
  kind: 'expiry' | 'recalculation';
  status: 'running' | 'succeeded' | 'failed';
  scheduled: boolean;
  progress: { total: number; done: number; changed: number; skipped: number };
  requested_by: { type: string; id: string | null; name?: string | null } | null;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

/** `POST /scoring/rules/preview` (api.md §10): what publishing a rule change would do, nothing saved. */
export interface RulePreviewView {
  leads_evaluated: number;
  leads_changed: number;
  tier_changes: Record<string, number>;
  sample: {
    lead_id: string;
    email: string | null;
    old_total: number;
    new_total: number;
    old_tier: ScoreTier;
    new_tier: ScoreTier;
  }[];
}

/** A team member (api.md §14); `current_leads` counts the member's open deals. */
export interface TeamMemberView {
  id: string;
  email: string;
  name: string;
  role: MemberRole;
  region: string | null;
  is_active: boolean;
  max_leads: number;
  current_leads: number;
  avatar: string | null;
  created_at: string;
}

/** `GET /pipelines/:id/metrics` (api.md §7); stage figures count open deals only. */
export interface PipelineMetricsView {
  pipeline_id: string;
  pipeline_name: string;
  total_deals: number;
  open_deals: number;
  won_deals: number;
  lost_deals: number;
  total_value: number;
  won_value: number;
  avg_deal_value: number;
  avg_sales_cycle_days: number | null;
  win_rate: number;
  stages: {
    stage_id: string;
    stage_name: string;
    stage_position: number;
    deals_count: number;
    total_value: number;
    avg_value: number;
  }[];
}

/** `GET /leads/stats` (api.md §5): every value of each enum, zero when no lead has it. */
export interface LeadStatsView {
  by_status: Record<string, number>;
  by_routing_status: Record<string, number>;
  by_lifecycle_stage: Record<string, number>;
  total: number;
}

/** api.md §3.1 key record (never the key or its hash). */
export interface ApiKeyView {
  id: string;
  name: string;
  kind: 'api_key' | 'signing_secret';
  source: string;
  allowed_sources: string[];
  scopes: string[];
  prefix: string;
  is_active: boolean;
  rate_limit_per_minute: number | null;
  expires_at: string | null;
  last_used_at: string | null;
  created_at: string;
  created_by: string | null;
}

/** `user` in auth answers (api.md §3). */
export interface AuthUserView {
  id: string;
  email: string;
  name: string;
  role: MemberRole;
  avatar: string | null;
  is_active?: boolean;
}

/** `POST /auth/login|refresh`, and the first registration. */
export interface AuthTokensView {
  user: AuthUserView;
  token: string;
  refresh_token: string;
  /** seconds until `token` expires */
  expires_in: number;
  token_type: 'Bearer';
}

/** `POST /auth/login` for a member with 2FA on: no tokens yet, `2fa/validate` completes the sign-in. */
export interface TwoFactorChallengeView {
  require2fa: true;
  userId: string;
  challenge_token: string;
}

/** `POST /auth/2fa/setup`: the base32 secret and the `otpauth://totp/…` URI an authenticator app reads. */
export interface TwoFactorSetupView {
  secret: string;
  qrCodeUrl: string;
}

/** `GET /auth/me`. */
export interface MeView {
  id: string;
  email: string;
  name: string;
  role: MemberRole;
  region: string | null;
  avatar: string | null;
  is_active: boolean;
  is_two_factor_enabled: boolean;
  max_leads: number;
  created_at: string;
}

export interface TeamStatsView {
  total_members: number;
  active_members: number;
  by_role: Record<string, number>;
  by_region: Record<string, number>;
  total_capacity: number;
  total_assigned: number;
  utilization_percentage: number;
}

export interface TeamWorkloadView {
  member: TeamMemberView;
  workload: {
    current_leads: number;
    max_leads: number;
    available_capacity: number;
    utilization_percentage: number;
    open_deals: number;
    open_tasks: number;
  };
}
