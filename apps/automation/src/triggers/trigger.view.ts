import type { TriggerView } from '@crm/contracts';
import type { StageTriggerEntity } from './stage-trigger.entity';

export function toTriggerView(trigger: StageTriggerEntity): TriggerView {
  return {
    id: trigger.id,
    action: trigger.action,
    name: trigger.name,
    description: trigger.description,
    on: trigger.on,
    conditions: { ...trigger.conditions },
    config: { ...trigger.config },
    enabled: trigger.enabled,
  };
}
