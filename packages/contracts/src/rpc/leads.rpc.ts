import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
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
  DEAL_STATUSES,
  LEAD_STATUSES,
  LIFECYCLE_STAGES,
  type DealStatus,
  type LeadStatus,
  type LifecycleStage,
} from '../enums';
import { IsOptionalNotNull, IsRfc3339OrDate, MaxJsonBytes } from '../validators';
import { PageQuery, WithActor } from './common';

export const LEAD_SORT_FIELDS = [
  'created_at',
  'updated_at',
  'total_score',
  'intent_confidence',
  'last_activity',
  'email',
  'first_name',
  'last_name',
] as const;

/** `GET /leads` (api.md §5). */
export class ListLeadsQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(255) search?: string;
  @IsOptional() @IsString() status?: string;
  @IsOptional() @IsString() lifecycle_stage?: string;
  @IsOptional() @IsString() routing_status?: string;
  @IsOptional() @IsString() primary_intent?: string;
  @IsOptional() @IsUUID() pipeline_id?: string;
  @IsOptional() @IsUUID() organization_id?: string;
  @IsOptional() @Type(() => Number) @IsInt() min_score?: number;
  @IsOptional() @Type(() => Number) @IsInt() max_score?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(100) min_intent_confidence?: number;
  @IsOptional() @IsRfc3339OrDate() created_after?: string;
  @IsOptional() @IsRfc3339OrDate() created_before?: string;
  @IsOptional() @IsRfc3339OrDate() last_activity_after?: string;
  @IsOptional() @IsRfc3339OrDate() last_activity_before?: string;
  @IsOptional() @IsIn(LEAD_SORT_FIELDS) sort_by?: (typeof LEAD_SORT_FIELDS)[number];
}

/** The lead fields POST and PATCH share (api.md §5); `null` clears all but `status` and `lifecycle_stage`. */
class LeadFieldsBody {
  @IsOptional() @IsString() @MaxLength(100) first_name?: string | null;
  @IsOptional() @IsString() @MaxLength(100) last_name?: string | null;
  @IsOptional() @IsString() @MaxLength(50) phone?: string | null;
  @IsOptional() @IsString() @MaxLength(150) job_title?: string | null;
  @IsOptional() @IsUUID() organization_id?: string | null;
  @IsOptionalNotNull() @IsIn(LEAD_STATUSES) status?: LeadStatus;
  @IsOptionalNotNull() @IsIn(LIFECYCLE_STAGES) lifecycle_stage?: LifecycleStage;
  @IsOptional() @IsString() @Length(1, 100) portal_id?: string | null;
  @IsOptional() @IsString() @Length(1, 100) waalaxy_id?: string | null;
  @IsOptional() @IsString() @Length(1, 100) lemlist_id?: string | null;
  @IsOptional()
  @IsString()
  @MaxLength(255)
  // A URL, or "" (what forms send for an emptied field), stored as null.
  @Matches(/^(https?:\/\/\S+)?$/i, { message: 'linkedin_url must be a URL or ""' })
  linkedin_url?: string | null;
  @IsOptional() @IsRfc3339OrDate() consent_date?: string | null;
  @IsOptional() @IsString() @MaxLength(100) consent_source?: string | null;
  @IsOptional() @IsString() @MaxLength(100) first_touch_source?: string | null;
  @IsOptional() @IsString() @MaxLength(100) first_touch_campaign?: string | null;
  @IsOptional() @IsObject() @MaxJsonBytes(65_536) metadata?: Record<string, unknown> | null;
}

/** `POST /leads` body; `email` is stored lowercase. */
export class CreateLeadBody extends LeadFieldsBody {
  @IsEmail() @MaxLength(255) email: string;
}

/** `PATCH /leads/:id` body: partial. */
export class UpdateLeadBody extends LeadFieldsBody {
  @IsOptionalNotNull() @IsEmail() @MaxLength(255) email?: string;
  @IsOptional() @IsRfc3339OrDate() gdpr_delete_requested?: string | null;
}

export class CreateLeadCommand extends WithActor {
  @ValidateNested() @Type(() => CreateLeadBody) body: CreateLeadBody;
}

export class UpdateLeadCommand extends WithActor {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => UpdateLeadBody) body: UpdateLeadBody;
}

export class ListPipelinesQuery {
  @IsOptional()
  @Transform(({ value }) => value === true || value === 'true')
  @IsBoolean()
  include_inactive?: boolean;
  @IsOptional()
  @Transform(({ value }) => value === true || value === 'true')
  @IsBoolean()
  with_summary?: boolean;
}

/** `GET /pipelines/:id?include_stages` (default true). */
export class GetPipelineQuery {
  @IsUUID() id: string;
  @IsOptional()
  @Transform(({ value }) => !(value === false || value === 'false'))
  @IsBoolean()
  include_stages?: boolean;
}

export const DEAL_SORT_FIELDS = [
  'created_at',
  'updated_at',
  'value',
  'name',
  'stage_entered_at',
  'position',
  'expected_close_date',
] as const;

/** `GET /deals` (api.md §8). */
export class ListDealsQuery extends PageQuery {
  @IsOptional() @IsUUID() pipeline_id?: string;
  @IsOptional() @IsUUID() stage_id?: string;
  @IsOptional() @IsUUID() lead_id?: string;
  @IsOptional() @IsIn(DEAL_STATUSES) status?: DealStatus;
  @IsOptional() @IsUUID() assigned_to?: string;
  @IsOptional() @Type(() => Number) @IsNumber() min_value?: number;
  @IsOptional() @Type(() => Number) @IsNumber() max_value?: number;
  @IsOptional() @IsString() @MaxLength(255) search?: string;
  @IsOptional() @IsRfc3339OrDate() created_after?: string;
  @IsOptional() @IsRfc3339OrDate() created_before?: string;
  @IsOptional() @IsIn(DEAL_SORT_FIELDS) sort_by?: (typeof DEAL_SORT_FIELDS)[number];
}

/** `POST /deals` body (api.md §8). */
export class CreateDealBody {
  @IsUUID() lead_id: string;
  @IsUUID() pipeline_id: string;
  @IsOptional() @IsUUID() stage_id?: string;
  @IsOptional() @IsString() @Length(1, 255) name?: string;
  @IsOptional() @IsNumber({ maxDecimalPlaces: 2 }) @Min(0) value?: number;
  @IsOptional() @IsString() @Matches(/^[A-Z]{3}$/) currency?: string;
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}(T.*)?$/) expected_close_date?: string;
  @IsOptional() @IsString() @MaxLength(255) assigned_to?: string;
  @IsOptional() @IsString() @MaxLength(50) assigned_region?: string;
  @IsOptional() @IsObject() metadata?: Record<string, unknown>;
}

export class CreateDealCommand extends WithActor {
  @ValidateNested() @Type(() => CreateDealBody) body: CreateDealBody;
}

/** `POST /deals/:id/move` body. */
export class MoveDealBody {
  @IsUUID() stage_id: string;
  @IsOptional() @IsInt() @Min(1) position?: number;
  @IsOptional() @IsString() @MaxLength(500) close_reason?: string;
}

export class MoveDealCommand extends WithActor {
  @IsUUID() deal_id: string;
  @ValidateNested() @Type(() => MoveDealBody) body: MoveDealBody;
}

/** `POST /deals/:id/close` body. */
export class CloseDealBody {
  @IsIn(['won', 'lost']) status: 'won' | 'lost';
  @IsOptional() @IsString() @MaxLength(500) close_reason?: string;
}

export class CloseDealCommand extends WithActor {
  @IsUUID() deal_id: string;
  @ValidateNested() @Type(() => CloseDealBody) body: CloseDealBody;
}

/** `POST /deals/:id/reopen`. */
export class DealCommand extends WithActor {
  @IsUUID() deal_id: string;
}

/**
 * `PATCH /deals/:id` body: `null` clears `expected_close_date`, `assigned_to`, `assigned_region`; `metadata` is
 * replaced whole; `stage_id` and `status` are ignored (move, close and reopen change them).
 */
export class UpdateDealBody {
  @IsOptional() @IsString() @Length(1, 255) name?: string;
  @IsOptional() @IsNumber({ maxDecimalPlaces: 2 }) @Min(0) value?: number | null;
  @IsOptional() @IsString() @Matches(/^[A-Z]{3}$/) currency?: string;
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}(T.*)?$/) expected_close_date?: string | null;
  @IsOptional() @IsString() @MaxLength(255) assigned_to?: string | null;
  @IsOptional() @IsString() @MaxLength(50) assigned_region?: string | null;
  @IsOptional() @IsObject() metadata?: Record<string, unknown>;
}

export class UpdateDealCommand extends WithActor {
  @IsUUID() deal_id: string;
  @ValidateNested() @Type(() => UpdateDealBody) body: UpdateDealBody;
}

/** `POST /deals/reorder` body: the Kanban order of deals in one stage. */
export class ReorderDealsBody {
  @IsUUID() stage_id: string;
  @ArrayMinSize(1) @ArrayMaxSize(1000) @ArrayUnique() @IsUUID('all', { each: true }) ordered_ids: string[];
}

export class ReorderDealsCommand extends WithActor {
  @ValidateNested() @Type(() => ReorderDealsBody) body: ReorderDealsBody;
}

/** `PATCH /deals/:id/lead` body. */
export class ChangeDealLeadBody {
  @IsUUID() lead_id: string;
}

export class ChangeDealLeadCommand extends WithActor {
  @IsUUID() deal_id: string;
  @ValidateNested() @Type(() => ChangeDealLeadBody) body: ChangeDealLeadBody;
}

/** `GET /deals/stats?pipeline_id`. */
export class DealStatsQuery {
  @IsOptional() @IsUUID() pipeline_id?: string;
}

export interface DealStatsView {
  by_status: { open: number; won: number; lost: number };
  value_by_status: { open: number; won: number; lost: number };
}
