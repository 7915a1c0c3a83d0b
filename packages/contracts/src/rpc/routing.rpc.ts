import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MEMBER_ROLES, type Intent, type MemberRole } from '../enums';
import type { ManualReviewReason } from '../payloads/routing.v1.messages';
import { WithActor } from './common';

export const OWNER_STRATEGIES = ['round_robin', 'capacity', 'manual', 'notify'] as const;
export type OwnerStrategy = (typeof OWNER_STRATEGIES)[number];

/** Pipelines whose owner routing picks: one per intent, plus the fallback pipeline. */
export const ROUTING_TARGETS = ['research', 'b2b', 'co_creation', 'discovery'] as const;
export type RoutingTarget = (typeof ROUTING_TARGETS)[number];

const SLUG = /^[a-z0-9-]+$/;

export class OwnerAssignment {
  @IsIn(MEMBER_ROLES) role: MemberRole;
  /**
   * `round_robin`: the least-loaded member, in turn among equals; `capacity`: the member with the lowest
   * open deals / max open deals; `manual` and `notify`: no owner, a person assigns one.
   */
  @IsIn(OWNER_STRATEGIES) strategy: OwnerStrategy;
  /** Prefer members of the lead's region (.de/.at/.ch/uni- → DACH, .uk → UK), others when none has room. */
  @IsOptional() @IsBoolean() region_aware?: boolean;
  /** Accepted and returned for compatibility with the original; deal values are not known at routing time. */
  @IsOptional() @IsBoolean() value_tier_aware?: boolean;
}

export class IntentToPipeline {
  @IsString() @Matches(SLUG) @MaxLength(100) research: string;
  @IsString() @Matches(SLUG) @MaxLength(100) b2b: string;
  @IsString() @Matches(SLUG) @MaxLength(100) co_creation: string;
}

export class OwnerAssignments {
  @ValidateNested() @Type(() => OwnerAssignment) research: OwnerAssignment;
  @ValidateNested() @Type(() => OwnerAssignment) b2b: OwnerAssignment;
  @ValidateNested() @Type(() => OwnerAssignment) co_creation: OwnerAssignment;
  @ValidateNested() @Type(() => OwnerAssignment) discovery: OwnerAssignment;
}

/** api.md §11 `GET /routing/config` data. */
export interface RoutingConfigView {
  min_score_threshold: number;
  min_intent_confidence: number;
  intent_confidence_margin: number;
  max_unrouted_days: number;
  fallback_pipeline: string;
  intent_to_pipeline: Record<Intent, string>;
  owner_assignment: Record<RoutingTarget, OwnerAssignment>;
}

class PartialIntentToPipeline {
  @IsOptional() @IsString() @Matches(SLUG) @MaxLength(100) research?: string;
  @IsOptional() @IsString() @Matches(SLUG) @MaxLength(100) b2b?: string;
  @IsOptional() @IsString() @Matches(SLUG) @MaxLength(100) co_creation?: string;
}

class PartialOwnerAssignments {
  @IsOptional() @ValidateNested() @Type(() => OwnerAssignment) research?: OwnerAssignment;
  @IsOptional() @ValidateNested() @Type(() => OwnerAssignment) b2b?: OwnerAssignment;
  @IsOptional() @ValidateNested() @Type(() => OwnerAssignment) co_creation?: OwnerAssignment;
  @IsOptional() @ValidateNested() @Type(() => OwnerAssignment) discovery?: OwnerAssignment;
}

/** `PUT /routing/config` body: partial; what is left out keeps its value. */
export class UpdateRoutingConfigBody {
  @IsOptional() @IsInt() @Min(0) @Max(10_000) min_score_threshold?: number;
  @IsOptional() @IsInt() @Min(0) @Max(100) min_intent_confidence?: number;
  @IsOptional() @IsInt() @Min(0) @Max(100) intent_confidence_margin?: number;
  @IsOptional() @IsInt() @Min(1) @Max(365) max_unrouted_days?: number;
  @IsOptional() @IsString() @Matches(SLUG) @MaxLength(100) fallback_pipeline?: string;
  @IsOptional()
  @ValidateNested()
  @Type(() => PartialIntentToPipeline)
  intent_to_pipeline?: PartialIntentToPipeline;
  @IsOptional()
  @ValidateNested()
  @Type(() => PartialOwnerAssignments)
  owner_assignment?: PartialOwnerAssignments;
}

export class UpdateRoutingConfigCommand extends WithActor {
  @ValidateNested() @Type(() => UpdateRoutingConfigBody) body: UpdateRoutingConfigBody;
}

export class EvaluateRoutingCommand extends WithActor {
  @IsUUID() lead_id: string;
}

/**
 * `POST /routing/manual/:id` and `POST /leads/:id/route` bodies. `assigned_to` is a member UUID or email;
 * without it the pipeline's owner strategy picks one.
 */
export class ManualRouteBody {
  @IsUUID() pipeline_id: string;
  @IsOptional() @IsUUID() stage_id?: string;
  @IsOptional() @IsString() @MaxLength(255) assigned_to?: string;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class RouteManuallyCommand extends WithActor {
  @IsUUID() lead_id: string;
  @ValidateNested() @Type(() => ManualRouteBody) body: ManualRouteBody;
}

export class BatchEvaluateRoutingBody {
  @ArrayMinSize(1) @ArrayMaxSize(100) @ArrayUnique() @IsUUID('all', { each: true }) lead_ids: string[];
}

export class BatchEvaluateRoutingCommand extends WithActor {
  @ValidateNested() @Type(() => BatchEvaluateRoutingBody) body: BatchEvaluateRoutingBody;
}

/** `GET /routing/unrouted` (limit ≤ 200) and `GET /leads/unrouted` (limit ≤ 100, checked by the gateway). */
export class ListUnroutedQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit: number = 50;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) min_score: number = 0;
}

export class ListManualReviewQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit: number = 50;
}

/** `GET /leads/unrouted?limit` accepts 1–100. */
export class ListLeadsUnroutedQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit: number = 50;
}

export const ROUTING_ACTIONS = ['routed', 'skip', 'wait', 'manual_review'] as const;
export type RoutingAction = (typeof ROUTING_ACTIONS)[number];

export type RoutingReason =
  | 'intent_match'
  | 'manual'
  | 'lead_not_found'
  | 'already_routed'
  | 'in_manual_review'
  | 'score_below_threshold'
  | 'insufficient_confidence'
  | ManualReviewReason;

/** api.md §11 `routing_result`. */
export interface RoutingResult {
  action: RoutingAction;
  reason: RoutingReason;
  pipeline_id?: string;
  pipeline_name?: string;
  deal_id?: string;
  assigned_to?: string | null;
  details?: Record<string, unknown>;
  days_in_pool?: number;
}

export interface RoutingStatsView {
  total_leads: number;
  unrouted: number;
  pending: 0;
  routed: number;
  manual_review: number;
  by_pipeline: { pipeline_name: string; count: number }[];
  by_intent: { intent: string; count: number }[];
}
