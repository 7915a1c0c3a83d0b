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
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQuery, toBoolean, WithActor } from './common';

/** api.md §12: what makes a global automation rule fire. */
export const RULE_TRIGGER_TYPES = [
  'event',
  'score_threshold',
  'intent_detected',
  'time_in_stage',
  'stage_change',
] as const;
export type RuleTriggerType = (typeof RULE_TRIGGER_TYPES)[number];

/** api.md §12: what a rule does when it fires. */
export const RULE_ACTION_TYPES = [
  'move_to_stage',
  'assign_owner',
  'send_notification',
  'create_task',
  'sync_moco',
  'update_field',
  'route_to_pipeline',
] as const;
export type RuleActionType = (typeof RULE_ACTION_TYPES)[number];

export const RULE_PRIORITY_MAX = 1_000_000;

export class ListAutomationRulesQuery extends PageQuery {
  @IsOptional() @IsIn(RULE_TRIGGER_TYPES) trigger_type?: RuleTriggerType;
  @IsOptional() @IsIn(RULE_ACTION_TYPES) action_type?: RuleActionType;
  @IsOptional() @Transform(toBoolean) @IsBoolean() is_active?: boolean;
  @IsOptional() @IsUUID() pipeline_id?: string;
}

/**
 * `POST /automation/rules` body. The shape is checked here; whether `trigger_config` and `action_config` fit
 * their types, and whether the stages, pipelines and slugs they name exist, is checked by automation (400 with
 * the same envelope).
 */
export class CreateAutomationRuleBody {
  @IsString() @Length(1, 255) name: string;
  @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @IsOptional() @IsBoolean() is_active?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(RULE_PRIORITY_MAX) priority?: number;
  @IsOptional() @IsUUID() pipeline_id?: string | null;
  @IsOptional() @IsUUID() stage_id?: string | null;
  @IsIn(RULE_TRIGGER_TYPES) trigger_type: RuleTriggerType;
  @IsObject() trigger_config: Record<string, unknown>;
  @IsIn(RULE_ACTION_TYPES) action_type: RuleActionType;
  @IsObject() action_config: Record<string, unknown>;
}

/** `PATCH /automation/rules/:id`: partial; `null` clears `description`, `pipeline_id` and `stage_id`. */
export class UpdateAutomationRuleBody {
  @IsOptional() @IsString() @Length(1, 255) name?: string;
  @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @IsOptional() @IsBoolean() is_active?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(RULE_PRIORITY_MAX) priority?: number;
  @IsOptional() @IsUUID() pipeline_id?: string | null;
  @IsOptional() @IsUUID() stage_id?: string | null;
  @IsOptional() @IsIn(RULE_TRIGGER_TYPES) trigger_type?: RuleTriggerType;
  @IsOptional() @IsObject() trigger_config?: Record<string, unknown>;
  @IsOptional() @IsIn(RULE_ACTION_TYPES) action_type?: RuleActionType;
  @IsOptional() @IsObject() action_config?: Record<string, unknown>;
}

export class CreateAutomationRuleCommand extends WithActor {
  @ValidateNested() @Type(() => CreateAutomationRuleBody) body: CreateAutomationRuleBody;
}

export class UpdateAutomationRuleCommand extends WithActor {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => UpdateAutomationRuleBody) body: UpdateAutomationRuleBody;
}

export class ListAutomationRuleLogsQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) page: number = 1;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit: number = 20;
}

export class AutomationRuleLogsQuery extends ListAutomationRuleLogsQuery {
  @IsUUID() rule_id: string;
}

/** The api.md §12 rule object. */
export interface AutomationRuleView {
  id: string;
  name: string;
  description: string | null;
  is_active: boolean;
  priority: number;
  pipeline_id: string | null;
  stage_id: string | null;
  trigger_type: RuleTriggerType;
  trigger_config: Record<string, unknown>;
  action_type: RuleActionType;
  action_config: Record<string, unknown>;
  last_executed: string | null;
  execution_count: number;
  created_at: string;
  updated_at: string;
  pipeline_name: string | null;
  stage_name: string | null;
}

export interface AutomationRuleStatsView {
  total_executions: number;
  successful_executions: number;
  failed_executions: number;
  unique_leads: number;
  last_7_days: number;
}

export interface AutomationRuleLogView {
  id: string;
  rule_id: string;
  lead_id: string | null;
  deal_id: string | null;
  trigger_data: Record<string, unknown>;
  action_result: Record<string, unknown> | null;
  success: boolean | null;
  error_message: string | null;
  executed_at: string;
  lead_email: string | null;
  lead_name: string | null;
}

export interface AutomationStatsView {
  rules: {
    total: number;
    active: number;
    by_trigger_type: Record<string, number>;
    by_action_type: Record<string, number>;
  };
  executions: {
    total_executions: number;
    successful_executions: number;
    failed_executions: number;
    executions_today: number;
    executions_7_days: number;
  };
  top_rules_7d: { rule_id: string; rule_name: string; executions: number; success_rate: number }[];
}
