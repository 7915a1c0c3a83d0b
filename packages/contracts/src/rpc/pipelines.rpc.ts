import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
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
import { DEAL_STATUSES, STAGE_TYPES, type DealStatus, type StageType } from '../enums';
import { IsTriggerList, type TriggerInput } from './automation.rpc';
import { WithActor } from './common';

/** api.md §7: pipeline and stage slugs. */
export const SLUG_PATTERN = /^[a-z0-9-]+$/;
export const SLUG_MAX_LENGTH = 100;
const COLOR_PATTERN = /^#[0-9A-Fa-f]{6}$/;

/** `GET /pipelines/:id/deals?status&limit&offset` (offset-based, api.md §1.4). */
export class ListPipelineDealsQuery {
  @IsUUID() id: string;
  @IsOptional() @IsIn(DEAL_STATUSES) status?: DealStatus;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit: number = 50;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset: number = 0;
}

/**
 * `POST /pipelines` body. `slug` defaults to the name in kebab case. `null` for `is_active`, `is_default` or
 * `config` means their default.
 */
export class CreatePipelineBody {
  @IsString() @Length(1, 255) name: string;
  @IsOptional() @IsString() @Matches(SLUG_PATTERN) @MaxLength(SLUG_MAX_LENGTH) slug?: string;
  @IsOptional() @IsString() description?: string | null;
  @IsOptional() @IsBoolean() is_active?: boolean | null;
  @IsOptional() @IsBoolean() is_default?: boolean | null;
  @IsOptional() @IsInt() @Min(1) sales_cycle_days?: number | null;
  @IsOptional() @IsString() @MaxLength(255) target_persona?: string | null;
  @IsOptional() @IsObject() config?: Record<string, unknown> | null;
}

/** `PATCH /pipelines/:id` body: partial; `null` clears a nullable field (and leaves `name` and `slug` as they are). */
export class UpdatePipelineBody {
  @IsOptional() @IsString() @Length(1, 255) name?: string | null;
  @IsOptional() @IsString() @Matches(SLUG_PATTERN) @MaxLength(SLUG_MAX_LENGTH) slug?: string | null;
  @IsOptional() @IsString() description?: string | null;
  @IsOptional() @IsBoolean() is_active?: boolean | null;
  @IsOptional() @IsBoolean() is_default?: boolean | null;
  @IsOptional() @IsInt() @Min(1) sales_cycle_days?: number | null;
  @IsOptional() @IsString() @MaxLength(255) target_persona?: string | null;
  @IsOptional() @IsObject() config?: Record<string, unknown> | null;
}

export class CreatePipelineCommand extends WithActor {
  @ValidateNested() @Type(() => CreatePipelineBody) body: CreatePipelineBody;
}

export class UpdatePipelineCommand extends WithActor {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => UpdatePipelineBody) body: UpdatePipelineBody;
}

/**
 * `POST /pipelines/:id/stages` body. `automation_config` is the stage's trigger list (api.md §9): automation owns
 * it, so the gateway forwards it there and leads ignores it.
 */
export class CreateStageBody {
  @IsString() @Length(1, 255) name: string;
  @IsOptional() @IsString() @Matches(SLUG_PATTERN) @MaxLength(SLUG_MAX_LENGTH) slug?: string;
  @IsOptional() @IsInt() @Min(1) position?: number;
  @IsOptional() @IsString() @Matches(COLOR_PATTERN) color?: string | null;
  @IsOptional() @IsIn(STAGE_TYPES) stage_type?: StageType | null;
  @IsOptional() @IsTriggerList() automation_config?: TriggerInput[];
}

/** `PATCH /stages/:id` body: partial; `null` clears `color` and `stage_type`. */
export class UpdateStageBody {
  @IsOptional() @IsString() @Length(1, 255) name?: string | null;
  @IsOptional() @IsString() @Matches(SLUG_PATTERN) @MaxLength(SLUG_MAX_LENGTH) slug?: string | null;
  @IsOptional() @IsString() @Matches(COLOR_PATTERN) color?: string | null;
  @IsOptional() @IsIn(STAGE_TYPES) stage_type?: StageType | null;
  @IsOptional() @IsTriggerList() automation_config?: TriggerInput[];
}

export class CreateStageCommand extends WithActor {
  @IsUUID() pipeline_id: string;
  /** Minted by the gateway, so automation can check the stage's triggers before the stage exists. */
  @IsOptional() @IsUUID() stage_id?: string;
  @ValidateNested() @Type(() => CreateStageBody) body: CreateStageBody;
}

export class UpdateStageCommand extends WithActor {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => UpdateStageBody) body: UpdateStageBody;
}

/** `POST /pipelines/:id/stages/reorder` body: every stage of the pipeline exactly once (checked by leads). */
export class ReorderStagesBody {
  @ArrayMinSize(1) @ArrayMaxSize(1000) @IsUUID('all', { each: true }) stage_ids: string[];
}

export class ReorderStagesCommand extends WithActor {
  @IsUUID() pipeline_id: string;
  @ValidateNested() @Type(() => ReorderStagesBody) body: ReorderStagesBody;
}
