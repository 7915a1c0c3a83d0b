import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One firing of a rule (api.md §12 log row). `(rule_id, occurrence_key)` is unique: a redelivered or replayed
 * cause finds its row and fires nothing again. `success` is null while the action's command awaits its result.
 */
@Entity({ name: 'automation_rule_logs' })
export class RuleLogEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') rule_id: string;
  @Column('text') occurrence_key: string;
  @Column({ type: 'uuid', nullable: true }) lead_id: string | null;
  @Column({ type: 'uuid', nullable: true }) deal_id: string | null;
  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` }) trigger_data: Record<string, unknown>;
  @Column({ type: 'jsonb', nullable: true }) action_result: Record<string, unknown> | null;
  @Column({ type: 'boolean', nullable: true }) success: boolean | null;
  @Column({ type: 'text', nullable: true }) error_message: string | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) executed_at: Date;
  @Column({ type: 'text', nullable: true }) lead_email: string | null;
  @Column({ type: 'text', nullable: true }) lead_name: string | null;
}
