import {
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
} from 'class-validator';
import { DEAL_STATUSES, TASK_PRIORITIES, TASK_STATUSES, type DealStatus } from '../enums';
import type { TaskPriority, TaskStatus } from '../enums';

/*
 * Domain events of api.md §19 about CRM records people and producers edit (leads, deals, tasks). Each `data` is a
 * snapshot taken in the transaction that made the change; outbound webhooks deliver them as they are.
 */

/** `lead.created`: by ingest (a first event), `POST /leads` or an import. */
export class LeadCreatedV1 {
  @IsUUID() lead_id: string;
  @IsOptional() @IsString() email: string | null;
  @IsOptional() @IsString() first_name: string | null;
  @IsOptional() @IsString() last_name: string | null;
  @IsOptional() @IsUUID() organization_id: string | null;
  @IsOptional() @IsString() first_touch_source: string | null;
  @IsOptional() @IsString() first_touch_campaign: string | null;
  @IsISO8601() created_at: string;
}

/** `lead.updated`: a person or a producer changed the lead's own fields (not its score, which is `lead.scored`). */
export class LeadUpdatedV1 {
  @IsUUID() lead_id: string;
  @IsArray() @ArrayUnique() @IsString({ each: true }) changed_fields: string[];
  /** the api.md §5 lead object after the change */
  @IsObject() lead: Record<string, unknown>;
}

/** `deal.created`. */
export class DealCreatedV1 {
  @IsUUID() deal_id: string;
  @IsUUID() lead_id: string;
  @IsUUID() pipeline_id: string;
  @IsUUID() stage_id: string;
  @IsString() name: string;
  @IsOptional() @IsNumber() value: number | null;
  @IsString() currency: string;
  @IsOptional() @IsUUID() assigned_to: string | null;
  @IsIn(DEAL_STATUSES) status: DealStatus;
  @IsISO8601() created_at: string;
}

/** `deal.assigned`: the owner changed (to nobody: `assigned_to` null). */
export class DealAssignedV1 {
  @IsUUID() deal_id: string;
  @IsUUID() lead_id: string;
  @IsOptional() @IsUUID() assigned_to: string | null;
  @IsOptional() @IsUUID() previous_assigned_to: string | null;
  @IsISO8601() assigned_at: string;
}

/** `deal.won` and `deal.lost` (the subject says which). */
export class DealClosedV1 {
  @IsUUID() deal_id: string;
  @IsUUID() lead_id: string;
  @IsUUID() pipeline_id: string;
  @IsUUID() stage_id: string;
  @IsString() name: string;
  @IsOptional() @IsNumber() value: number | null;
  @IsString() currency: string;
  @IsOptional() @IsString() close_reason: string | null;
  @IsOptional() @IsUUID() assigned_to: string | null;
  @IsISO8601() closed_at: string;
}

/** `deal.reopened`. */
export class DealReopenedV1 {
  @IsUUID() deal_id: string;
  @IsUUID() lead_id: string;
  @IsUUID() stage_id: string;
  @IsISO8601() reopened_at: string;
}

/** `deal.deleted`. */
export class DealDeletedV1 {
  @IsUUID() deal_id: string;
  @IsUUID() lead_id: string;
  @IsUUID() pipeline_id: string;
  @IsISO8601() deleted_at: string;
}

/** `task.created` and `task.completed` (the subject says which). */
export class TaskChangedV1 {
  @IsUUID() task_id: string;
  @IsOptional() @IsUUID() lead_id: string | null;
  @IsOptional() @IsUUID() deal_id: string | null;
  @IsString() title: string;
  @IsOptional() @IsString() task_type: string | null;
  @IsOptional() @IsUUID() assigned_to: string | null;
  @IsOptional() @IsISO8601() due_date: string | null;
  @IsIn(TASK_PRIORITIES) priority: TaskPriority;
  @IsIn(TASK_STATUSES) status: TaskStatus;
  @IsOptional() @IsString() created_by: string | null;
}

/** `lead_import.completed`: every row of an import batch was processed (api.md §4.4, §19). */
export class LeadImportCompletedV1 {
  @IsUUID() batch_id: string;
  @IsString() source: string;
  @IsInt() total_leads: number;
  @IsInt() created: number;
  @IsInt() updated: number;
  @IsInt() skipped: number;
  @IsInt() failed: number;
}

/**
 * `booking.created` / `booking.canceled` (api.md §19): a Cituro booking leads applied to a known lead (the subject
 * says which). `booking_id` is Cituro's appointment id when the webhook carried one, else the cituro service's
 * record of the booking.
 */
export class BookingRecordedV1 {
  @IsString() booking_id: string;
  @IsOptional() @IsUUID() lead_id: string | null;
  @IsOptional() @IsUUID() deal_id: string | null;
  @IsOptional() @IsString() customer_email: string | null;
  @IsOptional() @IsString() starts_at: string | null;
  @IsOptional() @IsInt() duration_minutes: number | null;
  @IsOptional() @IsString() service_id: string | null;
  @IsString() cituro_event_id: string;
  @IsOptional() @IsISO8601() canceled_at?: string | null;
}
