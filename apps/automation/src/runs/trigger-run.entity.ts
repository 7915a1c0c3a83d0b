import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { TriggerAction, TriggerRunStatus, TriggerRunStepView } from '@crm/contracts';

export type TriggerRunSource = 'stage_change' | 'manual' | 'retry';

export interface RunError {
  code: string;
  message: string;
  retryable: boolean;
}

/** One execution of one trigger for one transition (api.md §9 run object). */
@Entity({ name: 'trigger_runs' })
export class TriggerRunEntity {
  @PrimaryColumn('uuid') id: string;
  /** null for a manual execution, which runs no saved trigger. */
  @Column({ type: 'uuid', nullable: true }) trigger_id: string | null;
  @Column({ type: 'text', nullable: true }) trigger_name: string | null;
  @Column('text') action: TriggerAction;
  @Column({ type: 'text', name: 'on' }) on: 'enter' | 'exit';
  @Column({ type: 'uuid', nullable: true }) stage_id: string | null;
  @Column({ type: 'uuid', nullable: true }) deal_id: string | null;
  @Column({ type: 'uuid', nullable: true }) lead_id: string | null;
  @Column({ type: 'uuid', nullable: true }) stage_history_id: string | null;
  /** `${trigger_id}:${deal_id}:${stage_history_id}`; kept across retries, so a vendor never acts twice. */
  @Column({ type: 'text', unique: true }) idempotency_key: string;
  @Column('text') source: TriggerRunSource;
  @Column({ type: 'boolean', default: false }) dry_run: boolean;
  @Column('text') status: TriggerRunStatus;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ type: 'int', default: 5 }) max_attempts: number;
  @Column({ type: 'timestamptz', nullable: true }) next_attempt_at: Date | null;
  @Column({ type: 'jsonb', nullable: true }) error: RunError | null;
  @Column({ type: 'jsonb', nullable: true }) result: Record<string, unknown> | null;
  @Column({ type: 'jsonb', default: () => `'[]'::jsonb` }) steps: TriggerRunStepView[];
  /** what was (or would be) sent to the executing service, for the run log and for retries. */
  @Column({ type: 'jsonb', nullable: true }) payload: Record<string, unknown> | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) created_at: Date;
  @Column({ type: 'timestamptz', nullable: true }) started_at: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) finished_at: Date | null;
  /** Set by every save: how long a running run has waited for its result. */
  @UpdateDateColumn({ type: 'timestamptz' }) updated_at: Date;
}
