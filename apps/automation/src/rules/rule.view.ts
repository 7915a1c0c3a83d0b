import type { AutomationRuleLogView, AutomationRuleView } from '@crm/contracts';
import type { AutomationRuleEntity } from './automation-rule.entity';
import type { RuleExecutionSummary } from './automation-rules.repository';
import type { RuleLogEntity } from './rule-log.entity';

export function toRuleView(rule: AutomationRuleEntity, summary?: RuleExecutionSummary): AutomationRuleView {
  return {
    id: rule.id,
    name: rule.name,
    description: rule.description,
    is_active: rule.is_active,
    priority: rule.priority,
    pipeline_id: rule.pipeline_id,
    stage_id: rule.stage_id,
    trigger_type: rule.trigger_type,
    trigger_config: rule.trigger_config,
    action_type: rule.action_type,
    action_config: rule.action_config,
    last_executed: summary?.last_executed ? new Date(summary.last_executed).toISOString() : null,
    execution_count: summary?.execution_count ?? 0,
    created_at: rule.created_at.toISOString(),
    updated_at: rule.updated_at.toISOString(),
    pipeline_name: rule.pipeline_name,
    stage_name: rule.stage_name,
  };
}

export function toRuleLogView(log: RuleLogEntity): AutomationRuleLogView {
  return {
    id: log.id,
    rule_id: log.rule_id,
    lead_id: log.lead_id,
    deal_id: log.deal_id,
    trigger_data: log.trigger_data,
    action_result: log.action_result,
    success: log.success,
    error_message: log.error_message,
    executed_at: log.executed_at.toISOString(),
    lead_email: log.lead_email,
    lead_name: log.lead_name,
  };
}
