import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { INTENTS, type Intent } from '../enums';
import { IntentSummaryV1 } from './lead-scored.v1.event';

export const ROUTING_REQUESTS = ['score', 'batch'] as const;
export type RoutingRequest = (typeof ROUTING_REQUESTS)[number];

/**
 * Command of leads to itself: evaluate the lead's routing now. Published in the transaction that applied a
 * score which passes the gate (`score`) or by a batch re-evaluation (`batch`); the handler re-reads the lead,
 * so a stale or repeated command is harmless.
 */
export class EvaluateLeadRoutingV1 {
  @IsUUID() lead_id: string;
  @IsIn(ROUTING_REQUESTS) requested_by: RoutingRequest;
  @IsISO8601() requested_at: string;
}

export const ROUTED_BY = ['auto', 'manual', 'automation'] as const;
export type RoutedBy = (typeof ROUTED_BY)[number];

/** api.md §19 `lead.routed`: the lead entered a pipeline; `assigned_to` null means an owner must be chosen. */
export class LeadRoutedV1 {
  @IsUUID() lead_id: string;
  @IsOptional() @IsString() email: string | null;
  @IsUUID() pipeline_id: string;
  @IsString() pipeline_slug: string;
  @IsString() pipeline_name: string;
  @IsUUID() deal_id: string;
  @IsOptional() @IsUUID() assigned_to: string | null;
  @IsOptional() @IsString() assigned_to_email: string | null;
  @IsOptional() @IsIn(INTENTS) primary_intent: Intent | null;
  @IsOptional() @IsInt() intent_confidence: number | null;
  @IsInt() total_score: number;
  @IsIn(ROUTED_BY) routed_by: RoutedBy;
  @IsISO8601() routed_at: string;
}

export const MANUAL_REVIEW_REASONS = ['intent_conflict', 'stuck_in_pool'] as const;
export type ManualReviewReason = (typeof MANUAL_REVIEW_REASONS)[number];

/** api.md §19 `lead.manual_review`: a person has to decide where the lead goes (Slack alerts on it). */
export class LeadManualReviewV1 {
  @IsUUID() lead_id: string;
  @IsOptional() @IsString() email: string | null;
  @IsIn(MANUAL_REVIEW_REASONS) reason: ManualReviewReason;
  @ValidateNested() @Type(() => IntentSummaryV1) intent_summary: IntentSummaryV1;
  @IsInt() total_score: number;
  @IsInt() @Min(0) days_in_pool: number;
  @IsISO8601() occurred_at: string;
}
