import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { VendorFailure } from './slack.v1.messages';

/** Lead fields an automation rule's `update_field` action may set (api.md §12). */
export const RULE_UPDATABLE_FIELDS = ['status', 'lifecycle_stage', 'primary_intent'] as const;
export type RuleUpdatableField = (typeof RULE_UPDATABLE_FIELDS)[number];

/** The rule actions leads executes for automation (api.md §12), named in their results. */
export const LEADS_RULE_ACTIONS = ['update_field', 'move_to_stage'] as const;
export type LeadsRuleAction = (typeof LEADS_RULE_ACTIONS)[number];

/**
 * Command: set one field of a lead (automation rule `update_field`). Setting a value is idempotent, so a
 * redelivered command changes nothing twice; the result is answered again.
 */
export class LeadsUpdateFieldV1 {
  @IsUUID() lead_id: string;
  @IsIn(RULE_UPDATABLE_FIELDS) field: RuleUpdatableField;
  @IsString() @MaxLength(100) value: string;
  @IsOptional() @IsUUID() automation_rule_id?: string | null;
  /** who asked, echoed in the result so the requester can correlate (an automation rule log id). */
  @IsOptional() @IsString() @MaxLength(255) reference?: string | null;
}

/**
 * Command: move a lead's deal into the stage with this slug (automation rule `move_to_stage`), as a move with
 * history reason `automation`, so the target stage's triggers run. The deal is `deal_id` when the firing was
 * about one, else the lead's only open deal (in `pipeline_id` when given). A deal already there stays.
 */
export class LeadsMoveToStageV1 {
  @IsUUID() lead_id: string;
  @IsOptional() @IsUUID() deal_id?: string | null;
  @IsOptional() @IsUUID() pipeline_id?: string | null;
  @IsString() @MaxLength(100) target_stage: string;
  @IsOptional() @IsUUID() automation_rule_id?: string | null;
  @IsOptional() @IsString() @MaxLength(255) reference?: string | null;
}

export class LeadsRuleActionSucceededV1 {
  @IsString() idempotency_key: string;
  @IsOptional() @IsString() reference: string | null;
  @IsIn(LEADS_RULE_ACTIONS) action: LeadsRuleAction;
  @IsUUID() lead_id: string;
  /** what the action did, e.g. `{field, value, changed}`. */
  @IsObject() result: Record<string, unknown>;
  @IsInt() @Min(1) attempts: number;
}

export class LeadsRuleActionFailedV1 {
  @IsString() idempotency_key: string;
  @IsOptional() @IsString() reference: string | null;
  @IsIn(LEADS_RULE_ACTIONS) action: LeadsRuleAction;
  @IsUUID() lead_id: string;
  @ValidateNested() @Type(() => VendorFailure) error: VendorFailure;
  @IsInt() @Min(1) attempts: number;
}
