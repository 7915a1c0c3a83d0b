import { isDeepStrictEqual } from 'node:util';
import type { DealStageChangedV1, LeadEventRecordedV1 } from '@crm/contracts';
import type { AutomationRuleEntity } from './automation-rule.entity';

/** `event` rules: each key of the config present must equal the event's (api.md §12, equality match). */
export function eventMatches(config: Record<string, unknown>, event: LeadEventRecordedV1): boolean {
  if (config.event_type !== undefined && config.event_type !== event.event_type) return false;
  if (config.source !== undefined && config.source !== event.source) return false;
  const metadata = config.metadata as Record<string, unknown> | undefined;
  if (metadata) {
    for (const [key, value] of Object.entries(metadata)) {
      if (!isDeepStrictEqual(event.metadata?.[key], value)) return false;
    }
  }
  return true;
}

/** `stage_change` rules: by stage slugs, the pipeline (the config's, else the rule's) and the rule's stage. */
export function stageChangeMatches(rule: AutomationRuleEntity, event: DealStageChangedV1): boolean {
  const config = rule.trigger_config as { to_stage?: string; from_stage?: string; pipeline_id?: string };
  const pipelineId = config.pipeline_id ?? rule.pipeline_id;
  if (pipelineId && pipelineId !== event.pipeline_id) return false;
  if (rule.stage_id && rule.stage_id !== event.to_stage_id) return false;
  if (config.to_stage !== undefined && config.to_stage !== event.to_stage_slug) return false;
  if (config.from_stage !== undefined && config.from_stage !== (event.from_stage_slug ?? null)) return false;
  return true;
}
