import { messagingEntities, messagingMigrations } from '@crm/messaging';
import type { DatabaseModuleOptions } from '@crm/service-kit';
import { AutomationRuleEntity } from '../rules/automation-rule.entity';
import { RuleLogEntity } from '../rules/rule-log.entity';
import { DealStageEntity, RuleArmingEntity } from '../rules/rule-state.entities';
import { TriggerRunEntity } from '../runs/trigger-run.entity';
import { StageTriggerEntity } from '../triggers/stage-trigger.entity';
import { CreateAutomationTables1763920000000 } from './migrations/1763920000000-create-automation-tables';
import { TriggerRunsUpdatedAt1796100000000 } from './migrations/1796100000000-trigger-runs-updated-at';
import { RunCommands1797100000000 } from './migrations/1797100000000-run-commands';
import { AutomationRules1797200000000 } from './migrations/1797200000000-automation-rules';

/** Shared by the AppModule and the migrate script, so both see the same schema, entities and migrations. */
export const databaseOptions: DatabaseModuleOptions = {
  schema: 'automation',
  entities: [
    ...messagingEntities,
    StageTriggerEntity,
    TriggerRunEntity,
    AutomationRuleEntity,
    RuleLogEntity,
    RuleArmingEntity,
    DealStageEntity,
  ],
  migrations: [
    ...messagingMigrations,
    CreateAutomationTables1763920000000,
    TriggerRunsUpdatedAt1796100000000,
    RunCommands1797100000000,
    AutomationRules1797200000000,
  ],
};
