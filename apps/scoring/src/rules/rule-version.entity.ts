import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One row per version of a rule: the definition a ledger row with that (rule_id, rule_version) applied. */
@Entity({ name: 'rule_versions' })
export class RuleVersion {
  @PrimaryColumn({ name: 'rule_id', type: 'uuid' }) ruleId: string;
  @PrimaryColumn({ type: 'int' }) version: number;
  /** slug, name, rule_type, category, conditions, points, caps, decay_days, is_active, priority at that version. */
  @Column({ type: 'jsonb' }) snapshot: Record<string, unknown>;
  /** The actor of the rules API call that made this version; null for seeded versions. */
  @Column({ name: 'created_by', type: 'jsonb', nullable: true }) createdBy: Record<string, unknown> | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
