import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RuleActionType, RuleTriggerType } from '@crm/contracts';

/** A global automation rule (api.md §12). Deleted rules stay (`deleted_at`), so their logs keep a name. */
@Entity({ name: 'automation_rules' })
export class AutomationRuleEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'boolean', default: true }) is_active: boolean;
  @Column({ type: 'int', default: 100 }) priority: number;
  @Column({ type: 'uuid', nullable: true }) pipeline_id: string | null;
  @Column({ type: 'uuid', nullable: true }) stage_id: string | null;
  /** as leads named them when the rule was saved. */
  @Column({ type: 'text', nullable: true }) pipeline_name: string | null;
  @Column({ type: 'text', nullable: true }) stage_name: string | null;
  @Column('text') trigger_type: RuleTriggerType;
  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` }) trigger_config: Record<string, unknown>;
  @Column('text') action_type: RuleActionType;
  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` }) action_config: Record<string, unknown>;
  @Column({ type: 'timestamptz', default: () => 'now()' }) created_at: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updated_at: Date;
  @Column({ type: 'timestamptz', nullable: true }) deleted_at: Date | null;
}
