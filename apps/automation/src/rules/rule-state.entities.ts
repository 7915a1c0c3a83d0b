import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Whether a `score_threshold` or `intent_detected` rule may fire for a lead: it fires when its condition turns
 * true while armed, and re-arms once the condition is false again (api.md §12, once per crossing).
 */
@Entity({ name: 'automation_rule_arming' })
export class RuleArmingEntity {
  @PrimaryColumn('uuid') rule_id: string;
  @PrimaryColumn('uuid') lead_id: string;
  @Column('boolean') armed: boolean;
  /** the newest cause applied (score version, or intent detection time in ms): older ones change nothing. */
  @Column('bigint') last_seen: string;
}

export type DealStageStatus = 'open' | 'won' | 'lost' | 'deleted';

/** Automation's own read model of when each deal entered its current stage, for `time_in_stage` rules. */
@Entity({ name: 'automation_deal_stages' })
export class DealStageEntity {
  @PrimaryColumn('uuid') deal_id: string;
  @Column('uuid') lead_id: string;
  @Column({ type: 'uuid', nullable: true }) pipeline_id: string | null;
  @Column('uuid') stage_id: string;
  /** names this stage entry: a deal entering the same stage again is a new entry (and may fire again). */
  @Column('text') stage_entry_key: string;
  @Column('timestamptz') entered_at: Date;
  @Column('text') status: DealStageStatus;
  /** when the newest event applied happened: an older one arriving late changes nothing. */
  @Column('timestamptz') last_event_at: Date;
}
