import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsUUID,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { INTENTS, SCORE_TIERS, type Intent, type ScoreTier } from '../enums';

export class ScoreTotals {
  @IsInt() demographic: number;
  @IsInt() engagement: number;
  @IsInt() behavior: number;
  @IsInt() total: number;
}

/** Confidence points per intent: the sums of the lead's intent signals. */
export class IntentSummaryV1 {
  @IsInt() research: number;
  @IsInt() b2b: number;
  @IsInt() co_creation: number;
}

/** The lead's intent as its signals give it (product.md, Intent). */
export class LeadIntentV1 {
  @IsOptional() @IsIn(INTENTS) primary_intent: Intent | null;
  @IsOptional() @IsInt() @Min(0) @Max(100) intent_confidence: number | null;
  @ValidateNested() @Type(() => IntentSummaryV1) intent_summary: IntentSummaryV1;
  /** The runner-up has points and is within 15 of the primary: not routable. */
  @IsBoolean() conflict: boolean;
}

export const SCORE_REASONS = ['event', 'fit', 'expiry', 'recalculation'] as const;
export type ScoreReason = (typeof SCORE_REASONS)[number];

/**
 * A lead's score or intent changed (or was recomputed). `version` grows by one per lead with every emission,
 * so the leads read model applies only newer scores whatever the delivery order.
 */
export class LeadScoredV1 {
  @IsUUID() lead_id: string;
  @IsInt() @Min(1) version: number;
  @ValidateNested() @Type(() => ScoreTotals) scores: ScoreTotals;
  @IsInt() previous_total: number;
  @IsIn(SCORE_TIERS) tier: ScoreTier;
  @IsIn(SCORE_TIERS) previous_tier: ScoreTier;
  @IsBoolean() tier_changed: boolean;
  @IsIn(SCORE_REASONS) reason: ScoreReason;
  @IsOptional() @IsUUID() event_id: string | null;
  @IsInt() points_applied: number;
  @IsISO8601() scored_at: string;
  /** The lead's intent after this change (scores emitted before intent detection existed have none). */
  @IsOptional() @ValidateNested() @Type(() => LeadIntentV1) intent?: LeadIntentV1;
}

/**
 * api.md §19 `lead.intent_detected`: the lead's primary intent changed (a first one included) or its conflict
 * appeared or went. Published by scoring in the transaction that changed the intent.
 */
export class LeadIntentDetectedV1 {
  @IsUUID() lead_id: string;
  @IsOptional() @IsIn(INTENTS) primary_intent: Intent | null;
  @IsOptional() @IsIn(INTENTS) previous_primary_intent: Intent | null;
  @IsOptional() @IsInt() @Min(0) @Max(100) intent_confidence: number | null;
  @ValidateNested() @Type(() => IntentSummaryV1) intent_summary: IntentSummaryV1;
  @IsBoolean() conflict: boolean;
  @IsISO8601() detected_at: string;
}
