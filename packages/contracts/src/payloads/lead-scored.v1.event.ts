import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Min, ValidateNested } from 'class-validator';
import { SCORE_TIERS, type ScoreTier } from '../enums';

export class ScoreTotals {
  @IsInt() demographic: number;
  @IsInt() engagement: number;
  @IsInt() behavior: number;
  @IsInt() total: number;
}

export const SCORE_REASONS = ['event', 'fit', 'expiry', 'recalculation'] as const;
export type ScoreReason = (typeof SCORE_REASONS)[number];

/**
 * A lead's score changed (or was recomputed). `version` grows by one per lead with every emission,
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
}
