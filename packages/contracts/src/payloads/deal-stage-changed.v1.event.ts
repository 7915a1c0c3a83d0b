import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  ValidateNested,
} from 'class-validator';
import {
  ACTOR_TYPES,
  DEAL_STATUSES,
  STAGE_TYPES,
  type ActorType,
  type DealStatus,
  type StageType,
} from '../enums';

export class Actor {
  @IsIn(ACTOR_TYPES) type: ActorType;
  @IsOptional() @IsString() id: string | null;
  @IsOptional() @IsString() name?: string | null;
}

/** What templates and trigger conditions need of the deal, as it was when it moved. */
export class DealSnapshot {
  @IsString() name: string;
  @IsOptional() @IsNumber() value: number | null;
  @IsString() currency: string;
  @IsOptional() @IsString() assigned_to: string | null;
  @IsOptional() @IsString() expected_close_date?: string | null;
}

export class LeadSnapshot {
  @IsOptional() @IsString() email: string | null;
  @IsOptional() @IsString() first_name: string | null;
  @IsOptional() @IsString() last_name: string | null;
  @IsOptional() @IsString() source: string | null;
  @IsOptional() @IsString() primary_intent: string | null;
  @IsOptional() @IsString() phone?: string | null;
  @IsOptional() @IsString() job_title?: string | null;
}

/** The lead's organization, for vendor records (a MOCO company, a Cituro customer's company). */
export class OrganizationSnapshot {
  @IsUUID() id: string;
  @IsString() name: string;
  @IsOptional() @IsString() domain: string | null;
  @IsOptional() @IsString() country: string | null;
}

export const STAGE_CHANGE_REASONS = [
  'created',
  'move',
  'close',
  'reopen',
  'routing',
  'automation',
  'booking',
] as const;
export type StageChangeReason = (typeof STAGE_CHANGE_REASONS)[number];

/** `deal.stage_changed` (api.md §19) plus the snapshots automation renders templates from. */
export class DealStageChangedV1 {
  @IsUUID() deal_id: string;
  @IsUUID() lead_id: string;
  @IsUUID() pipeline_id: string;
  @IsUUID() stage_history_id: string;
  @IsOptional() @IsUUID() from_stage_id: string | null;
  @IsOptional() @IsString() from_stage_slug: string | null;
  @IsUUID() to_stage_id: string;
  @IsString() to_stage_slug: string;
  @IsOptional() @IsIn(STAGE_TYPES) to_stage_type: StageType | null;
  @IsIn(DEAL_STATUSES) status: DealStatus;
  @ValidateNested() @Type(() => Actor) moved_by: Actor;
  @IsIn(STAGE_CHANGE_REASONS) reason: StageChangeReason;
  @IsOptional() @IsInt() time_in_previous_stage_seconds: number | null;
  @IsISO8601() occurred_at: string;
  @ValidateNested() @Type(() => DealSnapshot) deal: DealSnapshot;
  @ValidateNested() @Type(() => LeadSnapshot) lead: LeadSnapshot;
  @IsOptional()
  @ValidateNested()
  @Type(() => OrganizationSnapshot)
  organization?: OrganizationSnapshot | null;
  @IsString() pipeline_name: string;
  @IsString() to_stage_name: string;
}
