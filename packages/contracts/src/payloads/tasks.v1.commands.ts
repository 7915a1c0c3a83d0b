import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { TASK_PRIORITIES, type TaskPriority } from '../enums';
import { VendorFailure } from './slack.v1.messages';

/** Who gets a task an automation asks for (api.md §9 `create_task`, §12 `create_task`). */
export const TASK_ASSIGN_STRATEGIES = ['deal_owner', 'lead_owner', 'round_robin', 'member'] as const;
export type TaskAssignStrategy = (typeof TASK_ASSIGN_STRATEGIES)[number];

/**
 * Command: create one task for a lead or deal (stage trigger `create_task`, automation rule `create_task`). The
 * envelope's idempotency_key is stored with the task, so a redelivered or retried command creates it once and
 * answers with the same task.
 */
export class LeadsCreateTaskV1 {
  @IsOptional() @IsUUID() lead_id?: string | null;
  @IsOptional() @IsUUID() deal_id?: string | null;
  @IsString() @MinLength(1) @MaxLength(500) title: string;
  @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @IsOptional() @IsString() @MaxLength(50) task_type?: string | null;
  @IsIn(TASK_PRIORITIES) priority: TaskPriority;
  @IsOptional() @IsISO8601() due_date?: string | null;
  /** `deal_owner` falls back to the lead's owner, then to round robin; `member` needs `assigned_to`. */
  @IsIn(TASK_ASSIGN_STRATEGIES) assign_strategy: TaskAssignStrategy;
  /** A team member's email, for `member`. */
  @IsOptional() @IsEmail() @MaxLength(255) assigned_to?: string | null;
  @IsOptional() @IsUUID() trigger_run_id?: string | null;
  @IsOptional() @IsUUID() automation_rule_id?: string | null;
  @IsString() @MaxLength(255) created_by: string;
  /** who asked, echoed in the result so the requester can correlate (e.g. a trigger run id). */
  @IsOptional() @IsString() @MaxLength(255) reference?: string | null;
}

export class LeadsTaskCreatedForCommandV1 {
  @IsString() idempotency_key: string;
  @IsOptional() @IsString() reference: string | null;
  @IsUUID() task_id: string;
  @IsUUID() lead_id: string;
  @IsOptional() @IsUUID() deal_id: string | null;
  /** the assignee's member id, or null when nobody could be assigned. */
  @IsOptional() @IsUUID() assigned_to_id: string | null;
  @IsInt() @Min(1) attempts: number;
}

export class LeadsCreateTaskFailedV1 {
  @IsString() idempotency_key: string;
  @IsOptional() @IsString() reference: string | null;
  @ValidateNested() @Type(() => VendorFailure) error: VendorFailure;
  @IsInt() @Min(1) attempts: number;
}

/** Codes leads puts in LeadsCreateTaskFailedV1 (all permanent: the command cannot succeed as sent). */
export const CreateTaskFailureCodes = {
  LeadNotFound: 'lead_not_found',
  DealNotFound: 'deal_not_found',
  AssigneeNotFound: 'assignee_not_found',
  Invalid: 'invalid_task',
} as const;
