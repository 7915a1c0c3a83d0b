import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  INTENT_RULE_TYPES,
  INTENTS,
  SCORE_CATEGORIES,
  SCORING_RULE_TYPES,
  type Intent,
  type IntentRuleType,
  type ScoreCategory,
  type ScoringRuleType,
} from '../enums';
import { PageQuery, toBoolean, WithActor } from './common';

/** Limits of a rule's numbers (api.md §10): wide enough for any real rule, narrow enough to catch typos. */
export const RULE_LIMITS = {
  points: 1000,
  priority: 10_000,
  cap: 10_000,
  decayDays: 3650,
} as const;

/** `GET /scoring/rules` (api.md §10). Archived rules are left out unless `include_archived=true`. */
export class ListScoringRulesQuery extends PageQuery {
  @IsOptional() @IsIn(SCORE_CATEGORIES) category?: ScoreCategory;
  @IsOptional() @IsIn(SCORING_RULE_TYPES) rule_type?: ScoringRuleType;
  @IsOptional() @Transform(toBoolean) @IsBoolean() is_active?: boolean;
  @IsOptional() @Transform(toBoolean) @IsBoolean() include_archived?: boolean;
}

/**
 * `POST /scoring/rules` body. The shape is checked here; whether `conditions` fit the `rule_type` (operators,
 * patterns that compile and cannot backtrack catastrophically) is checked by the scoring service, which owns
 * the rules, with the same 400 envelope.
 */
export class CreateScoringRuleBody {
  @IsOptional() @IsString() @Matches(/^[a-z0-9][a-z0-9-]*$/) @MaxLength(100) slug?: string;
  @IsString() @Length(1, 200) name: string;
  @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @IsOptional() @IsBoolean() is_active?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(RULE_LIMITS.priority) priority?: number;
  @IsIn(SCORING_RULE_TYPES) rule_type: ScoringRuleType;
  @IsIn(SCORE_CATEGORIES) category: ScoreCategory;
  @IsObject() conditions: Record<string, unknown>;
  @IsInt() @Min(-RULE_LIMITS.points) @Max(RULE_LIMITS.points) points: number;
  @IsOptional() @IsInt() @Min(1) @Max(RULE_LIMITS.cap) max_per_day?: number | null;
  @IsOptional() @IsInt() @Min(1) @Max(RULE_LIMITS.cap) max_per_lead?: number | null;
  @IsOptional() @IsInt() @Min(1) @Max(RULE_LIMITS.decayDays) decay_days?: number | null;
}

/** `PATCH /scoring/rules/:id` body: partial; `null` clears a nullable field; `slug` may only repeat the current one. */
export class UpdateScoringRuleBody {
  @IsOptional() @IsString() @MaxLength(100) slug?: string;
  @IsOptional() @IsString() @Length(1, 200) name?: string;
  @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @IsOptional() @IsBoolean() is_active?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(RULE_LIMITS.priority) priority?: number;
  @IsOptional() @IsIn(SCORING_RULE_TYPES) rule_type?: ScoringRuleType;
  @IsOptional() @IsIn(SCORE_CATEGORIES) category?: ScoreCategory;
  @IsOptional() @IsObject() conditions?: Record<string, unknown>;
  @IsOptional() @IsInt() @Min(-RULE_LIMITS.points) @Max(RULE_LIMITS.points) points?: number;
  @IsOptional() @IsInt() @Min(1) @Max(RULE_LIMITS.cap) max_per_day?: number | null;
  @IsOptional() @IsInt() @Min(1) @Max(RULE_LIMITS.cap) max_per_lead?: number | null;
  @IsOptional() @IsInt() @Min(1) @Max(RULE_LIMITS.decayDays) decay_days?: number | null;
}

export class CreateScoringRuleCommand extends WithActor {
  @ValidateNested() @Type(() => CreateScoringRuleBody) body: CreateScoringRuleBody;
}

export class UpdateScoringRuleCommand extends WithActor {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => UpdateScoringRuleBody) body: UpdateScoringRuleBody;
}

export class ArchiveScoringRuleCommand extends WithActor {
  @IsUUID() id: string;
}

/** `GET /leads/:id/scores` and `GET /scoring/leads/:leadId/history`: a lead's ledger, newest first. */
export class LeadScoreHistoryQuery {
  @IsUUID() lead_id: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit: number = 50;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset: number = 0;
  @IsOptional() @IsIn(SCORE_CATEGORIES) category?: ScoreCategory;
}

/** The query part of `GET /leads/:id/scores` (limit ≤ 100, api.md §1.4 offset paging). */
export class LeadScoresPageQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit: number = 50;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset: number = 0;
  @IsOptional() @IsIn(SCORE_CATEGORIES) category?: ScoreCategory;
}

/** The query part of `GET /scoring/leads/:leadId/history` (limit 1–500, default 50). */
export class ScoreHistoryPageQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit: number = 50;
}

/** `GET /scoring/intent-rules` (added): archived rules only with `include_archived=true`. */
export class ListIntentRulesQuery extends PageQuery {
  @IsOptional() @IsIn(INTENTS) intent?: Intent;
  @IsOptional() @IsIn(INTENT_RULE_TYPES) rule_type?: IntentRuleType;
  @IsOptional() @Transform(toBoolean) @IsBoolean() is_active?: boolean;
  @IsOptional() @Transform(toBoolean) @IsBoolean() include_archived?: boolean;
}

/** `POST /scoring/intent-rules` body (added): conditions as scoring rules of the same `rule_type`. */
export class CreateIntentRuleBody {
  @IsOptional() @IsString() @Matches(/^[a-z0-9][a-z0-9-]*$/) @MaxLength(100) slug?: string;
  @IsString() @Length(1, 200) name: string;
  @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @IsOptional() @IsBoolean() is_active?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(RULE_LIMITS.priority) priority?: number;
  @IsIn(INTENTS) intent: Intent;
  @IsIn(INTENT_RULE_TYPES) rule_type: IntentRuleType;
  @IsObject() conditions: Record<string, unknown>;
  @IsInt() @Min(1) @Max(100) points: number;
}

/** `PATCH /scoring/intent-rules/:id` body: partial; `slug` may only repeat the current one. */
export class UpdateIntentRuleBody {
  @IsOptional() @IsString() @MaxLength(100) slug?: string;
  @IsOptional() @IsString() @Length(1, 200) name?: string;
  @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @IsOptional() @IsBoolean() is_active?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(RULE_LIMITS.priority) priority?: number;
  @IsOptional() @IsIn(INTENTS) intent?: Intent;
  @IsOptional() @IsIn(INTENT_RULE_TYPES) rule_type?: IntentRuleType;
  @IsOptional() @IsObject() conditions?: Record<string, unknown>;
  @IsOptional() @IsInt() @Min(1) @Max(100) points?: number;
}

export class CreateIntentRuleCommand extends WithActor {
  @ValidateNested() @Type(() => CreateIntentRuleBody) body: CreateIntentRuleBody;
}

export class UpdateIntentRuleCommand extends WithActor {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => UpdateIntentRuleBody) body: UpdateIntentRuleBody;
}

export class ArchiveIntentRuleCommand extends WithActor {
  @IsUUID() id: string;
}

/** `GET /leads/:id/intents?limit&offset&intent`: the lead's intent signals, newest first. */
export class LeadIntentsQuery {
  @IsUUID() lead_id: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit: number = 50;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset: number = 0;
  @IsOptional() @IsIn(INTENTS) intent?: Intent;
}

/** The query part of `GET /leads/:id/intents`. */
export class LeadIntentsPageQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit: number = 50;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset: number = 0;
  @IsOptional() @IsIn(INTENTS) intent?: Intent;
}

/** `POST /scoring/leads/:leadId/recalculate`. */
export class RecalculateLeadCommand extends WithActor {
  @IsUUID() lead_id: string;
}

/** `POST /scoring/recalculate` and `POST /scoring/expire`: background jobs. */
export class StartScoringJobCommand extends WithActor {}

/** `POST /scoring/rules/preview` body: `rule` is a create body, or with `rule_id` a patch body (or `archive`). */
export class PreviewScoringRuleBody {
  @IsOptional() @IsUUID() rule_id?: string;
  /** (added) Preview archiving the rule `rule_id` (`rule` may then be left out). */
  @IsOptional() @IsBoolean() archive?: boolean;
  @IsOptional() @IsObject() rule?: Record<string, unknown>;
}

/** The preview the scoring service computes: exactly one of `create`, `update` (with `rule_id`), `archive`. */
export class PreviewScoringRuleCommand {
  @IsOptional() @IsUUID() rule_id?: string;
  @IsOptional() @IsBoolean() archive?: boolean;
  @IsOptional() @ValidateNested() @Type(() => CreateScoringRuleBody) create?: CreateScoringRuleBody;
  @IsOptional() @ValidateNested() @Type(() => UpdateScoringRuleBody) update?: UpdateScoringRuleBody;
}
