import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TriggerAction } from '@crm/contracts';
import type { TriggerConditions } from './trigger-validation';

/** One trigger of a stage's ordered list (the stage's `automation_config`, api.md §9). */
@Entity({ name: 'stage_triggers' })
export class StageTriggerEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') stage_id: string;
  @Column('uuid') pipeline_id: string;
  /** as the gateway resolved it when the list was saved; used in run logs and templates. */
  @Column('text') stage_name: string;
  /** order in the stage's list, from 0. */
  @Column('int') position: number;
  @Column('text') action: TriggerAction;
  @Column({ type: 'text', nullable: true }) name: string | null;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'text', name: 'on' }) on: 'enter' | 'exit';
  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` }) conditions: TriggerConditions;
  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` }) config: Record<string, unknown>;
  @Column({ type: 'boolean', default: true }) enabled: boolean;
  @Column({ type: 'timestamptz', default: () => 'now()' }) created_at: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updated_at: Date;
}
