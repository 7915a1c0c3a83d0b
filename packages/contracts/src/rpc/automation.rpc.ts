import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { TRIGGER_ACTIONS, TRIGGER_RUN_STATUSES, type TriggerAction, type TriggerRunStatus } from '../enums';
import { IsRfc3339OrDate } from '../validators';
import { PageQuery, WithActor } from './common';
import { DealSnapshot, LeadSnapshot, OrganizationSnapshot } from '../payloads/deal-stage-changed.v1.event';

const toNumber = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;

export class TriggerConditionsInput {
  @IsOptional() @Transform(toNumber) @IsNumber() min_value?: number;
  @IsOptional() @Transform(toNumber) @IsNumber() max_value?: number;
  @IsOptional() @IsArray() @IsString({ each: true }) intents?: string[];
  @IsOptional() @IsArray() @IsString({ each: true }) sources?: string[];
  @IsOptional() @IsArray() @IsUUID('all', { each: true }) from_stage_ids?: string[];
}

/** One stage trigger as saved through `POST /stages/:id/triggers` (api.md §9). */
export class TriggerInput {
  @IsOptional() @IsUUID() id?: string;
  @IsIn(TRIGGER_ACTIONS) action: TriggerAction;
  @IsOptional() @IsString() @MaxLength(255) name?: string;
  @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @IsOptional() @IsIn(['enter', 'exit']) on?: 'enter' | 'exit';
  @IsOptional() @ValidateNested() @Type(() => TriggerConditionsInput) conditions?: TriggerConditionsInput;
  @IsObject() config: Record<string, unknown>;
  @IsOptional() @IsBoolean() enabled?: boolean;
}

/** A stage's ordered trigger list (api.md §9): the `triggers` of this body, a stage's `automation_config`. */
export function IsTriggerList(): PropertyDecorator {
  const decorators = [IsArray(), ArrayMaxSize(50), ValidateNested({ each: true }), Type(() => TriggerInput)];
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
}

export class ReplaceStageTriggersBody {
  @IsTriggerList() triggers: TriggerInput[];
}

/** The stage as the gateway resolved it from leads, so automation can name it without reading leads. */
export class StageRef {
  @IsUUID() id: string;
  @IsString() name: string;
  @IsUUID() pipeline_id: string;
}

export class GetStageTriggersQuery {
  @ValidateNested() @Type(() => StageRef) stage: StageRef;
}

/** Stages per `ListStagesTriggersQuery`: more than any pipeline has (a stage type is allowed once per pipeline). */
export const MAX_STAGES_PER_TRIGGER_LIST = 200;

/** The trigger lists of many stages in one request: the stage lists of api.md §7 show each one's `automation_config`. */
export class ListStagesTriggersQuery {
  @IsArray() @ArrayMaxSize(MAX_STAGES_PER_TRIGGER_LIST) @IsUUID('all', { each: true }) stage_ids: string[];
}

export class ReplaceStageTriggersCommand extends WithActor {
  @ValidateNested() @Type(() => StageRef) stage: StageRef;
  @ValidateNested() @Type(() => ReplaceStageTriggersBody) body: ReplaceStageTriggersBody;
  /** Check the list (the same 400s) and save nothing: the gateway asks before it writes a stage edit. */
  @IsOptional() @IsBoolean() validate_only?: boolean;
}

export class ListTriggerRunsQuery extends PageQuery {
  @IsOptional() @IsUUID() deal_id?: string;
  @IsOptional() @IsUUID() lead_id?: string;
  @IsOptional() @IsUUID() stage_id?: string;
  @IsOptional() @IsUUID() trigger_id?: string;
  @IsOptional() @IsIn(TRIGGER_ACTIONS) action?: TriggerAction;
  @IsOptional() @IsIn(TRIGGER_RUN_STATUSES) status?: TriggerRunStatus;
  @IsOptional() @Transform(({ value }) => value === true || value === 'true') @IsBoolean() dry_run?: boolean;
  @IsOptional() @IsRfc3339OrDate() since?: string;
  @IsOptional() @IsRfc3339OrDate() until?: string;
}

export class RetryTriggerRunBody {
  @IsOptional() @IsBoolean() dry_run?: boolean;
}

export class RetryTriggerRunCommand extends WithActor {
  @IsUUID() run_id: string;
  @ValidateNested() @Type(() => RetryTriggerRunBody) body: RetryTriggerRunBody;
}

/** api.md §9 `POST /triggers/execute`: which deal, lead, stage and pipeline the action is run for. */
export class ExecuteTriggerContext {
  @IsOptional() @IsUUID() deal_id?: string;
  @IsOptional() @IsUUID() lead_id?: string;
  @IsOptional() @IsUUID() stage_id?: string;
  @IsOptional() @IsUUID() pipeline_id?: string;
}

export class ExecuteTriggerBody {
  @IsIn(TRIGGER_ACTIONS) action: TriggerAction;
  @IsObject() config: Record<string, unknown>;
  @ValidateNested() @Type(() => ExecuteTriggerContext) context: ExecuteTriggerContext;
  @IsOptional() @IsBoolean() dry_run?: boolean;
}

/**
 * What a manual execution runs against, as leads knows it now: the gateway reads the deal, lead and organization
 * and hands them over, as a stage change carries them (`DealStageChangedV1`).
 */
export class ExecutionSnapshot {
  @IsOptional() @IsUUID() deal_id: string | null;
  @IsOptional() @IsUUID() lead_id: string | null;
  @IsOptional() @IsUUID() stage_id: string | null;
  @IsOptional() @ValidateNested() @Type(() => DealSnapshot) deal: DealSnapshot | null;
  @IsOptional() @ValidateNested() @Type(() => LeadSnapshot) lead: LeadSnapshot | null;
  @IsOptional()
  @ValidateNested()
  @Type(() => OrganizationSnapshot)
  organization: OrganizationSnapshot | null;
  @IsString() stage_name: string;
  @IsString() pipeline_name: string;
}

export class ExecuteTriggerCommand extends WithActor {
  @ValidateNested() @Type(() => ExecuteTriggerBody) body: ExecuteTriggerBody;
  @ValidateNested() @Type(() => ExecutionSnapshot) snapshot: ExecutionSnapshot;
}

/** api.md §9 execute answer (the gateway waits up to 10 s for a run that is still running). */
export interface TriggerExecutionView {
  success: boolean;
  action: TriggerAction;
  run_id: string;
  status: TriggerRunStatus;
  dry_run: boolean;
  result?: Record<string, unknown> | null;
  error?: { code: string; message: string; retryable: boolean } | null;
}
