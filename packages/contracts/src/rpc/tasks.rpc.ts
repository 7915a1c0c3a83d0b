import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from '../enums';
import { IsRfc3339OrDate } from '../validators';
import { PageQuery, toBoolean, WithActor } from './common';

export const TASK_SORT_FIELDS = [
  'created_at',
  'updated_at',
  'due_date',
  'title',
  'status',
  'priority',
] as const;
export const TASK_TRANSITIONS = ['complete', 'cancel', 'reopen'] as const;
export type TaskTransition = (typeof TASK_TRANSITIONS)[number];

/** `GET /tasks` (api.md §13); default order `due_date asc`. `assigned_to` is the assignee's email. */
export class ListTasksQuery extends PageQuery {
  @IsOptional() @IsUUID() lead_id?: string;
  @IsOptional() @IsUUID() deal_id?: string;
  @IsOptional() @IsString() @MaxLength(255) assigned_to?: string;
  @IsOptional() @IsIn(TASK_STATUSES) status?: TaskStatus;
  @IsOptional() @IsString() @MaxLength(50) task_type?: string;
  @IsOptional() @IsIn(TASK_PRIORITIES) priority?: TaskPriority;
  @IsOptional() @IsString() @MaxLength(255) created_by?: string;
  @IsOptional() @IsRfc3339OrDate() due_before?: string;
  @IsOptional() @IsRfc3339OrDate() due_after?: string;
  @IsOptional() @Transform(toBoolean) @IsBoolean() overdue?: boolean;
  @IsOptional() @IsIn(TASK_SORT_FIELDS) sort_by?: (typeof TASK_SORT_FIELDS)[number];
}

/** `POST /tasks` body: `lead_id` or `deal_id` (at least one). */
export class CreateTaskBody {
  @IsOptional() @IsUUID() lead_id?: string;
  @IsOptional() @IsUUID() deal_id?: string;
  @IsString() @Length(1, 500) title: string;
  @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @IsOptional() @IsString() @MaxLength(50) task_type?: string;
  @IsOptional() @IsEmail() @MaxLength(255) assigned_to?: string | null;
  @IsOptional() @IsRfc3339OrDate() due_date?: string | null;
  @IsOptional() @IsIn(TASK_PRIORITIES) priority?: TaskPriority;
  @IsOptional() @IsString() @MaxLength(255) created_by?: string;
}

/** `PATCH /tasks/:id` body: partial; `null` clears `description`, `assigned_to` and `due_date`. */
export class UpdateTaskBody {
  @IsOptional() @IsString() @Length(1, 500) title?: string;
  @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @IsOptional() @IsString() @MaxLength(50) task_type?: string;
  @IsOptional() @IsEmail() @MaxLength(255) assigned_to?: string | null;
  @IsOptional() @IsRfc3339OrDate() due_date?: string | null;
  @IsOptional() @IsIn(TASK_STATUSES) status?: TaskStatus;
  @IsOptional() @IsIn(TASK_PRIORITIES) priority?: TaskPriority;
}

export class CreateTaskCommand extends WithActor {
  @ValidateNested() @Type(() => CreateTaskBody) body: CreateTaskBody;
}

export class UpdateTaskCommand extends WithActor {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => UpdateTaskBody) body: UpdateTaskBody;
}

export class TaskTransitionCommand extends WithActor {
  @IsUUID() id: string;
  @IsIn(TASK_TRANSITIONS) transition: TaskTransition;
}

/** `GET /tasks/calendar`: due dates in [start, end). */
export class TaskCalendarQuery {
  @IsRfc3339OrDate() start: string;
  @IsRfc3339OrDate() end: string;
  @IsOptional() @IsString() @MaxLength(255) assigned_to?: string;
}

export class TaskGroupedQuery {
  @IsOptional() @IsIn(TASK_STATUSES) status?: TaskStatus;
  @IsOptional() @IsIn(TASK_PRIORITIES) priority?: TaskPriority;
}

export class TaskStatisticsQuery {
  @IsOptional() @IsString() @MaxLength(255) assigned_to?: string;
}

export class TasksDueSoonQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(365) days: number = 3;
  @IsOptional() @IsString() @MaxLength(255) assigned_to?: string;
}

export class TasksOverdueQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(255) assigned_to?: string;
}

/** api.md §13 task; lists add the lead's and deal's names. */
export interface TaskView {
  id: string;
  lead_id: string | null;
  deal_id: string | null;
  title: string;
  description: string | null;
  task_type: string | null;
  assigned_to: string | null;
  assigned_to_id: string | null;
  due_date: string | null;
  completed_at: string | null;
  status: TaskStatus;
  priority: TaskPriority;
  created_by: string | null;
  automation_rule_id: string | null;
  trigger_run_id: string | null;
  created_at: string;
  updated_at: string;
  lead_email: string | null;
  lead_name: string | null;
  deal_name: string | null;
  assigned_name: string | null;
}

export interface TaskStatisticsView {
  total: number;
  open: number;
  in_progress: number;
  completed: number;
  cancelled: number;
  overdue: number;
}
