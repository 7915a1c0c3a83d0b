import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ScoreCategory } from '@crm/contracts';
import type { RuleConditions, RuleType } from './rule-conditions';

/**
 * A scoring rule (api.md §10). `version` grows by one with every edit and each version's definition is kept in
 * `rule_versions`, so a ledger row can always name the exact definition it applied. Rules are archived, never
 * deleted, because ledger rows reference them.
 */
@Entity({ name: 'scoring_rules' })
export class ScoringRule {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 100, unique: true }) slug: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ name: 'is_active', type: 'boolean', default: true }) isActive: boolean;
  /** Lower runs first; only the order of ledger rows depends on it, since every matching rule applies. */
  @Column({ type: 'int', default: 100 }) priority: number;
  @Column({ name: 'rule_type', type: 'varchar', length: 20 }) ruleType: RuleType;
  @Column({ type: 'varchar', length: 20 }) category: ScoreCategory;
  @Column({ type: 'jsonb' }) conditions: RuleConditions;
  @Column({ type: 'int' }) points: number;
  /** At most this many applications per lead in any rolling 24 h window (by event time); null = no cap. */
  @Column({ name: 'max_per_day', type: 'int', nullable: true }) maxPerDay: number | null;
  /** At most this many applications per lead, ever; null = no cap. */
  @Column({ name: 'max_per_lead', type: 'int', nullable: true }) maxPerLead: number | null;
  /** Points expire this many days after the event happened; null = permanent. */
  @Column({ name: 'decay_days', type: 'int', nullable: true }) decayDays: number | null;
  @Column({ type: 'int', default: 1 }) version: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true }) archivedAt: Date | null;
  /** The actor that archived the rule (rules API), null while it is not archived. */
  @Column({ name: 'archived_by', type: 'jsonb', nullable: true }) archivedBy: Record<string, unknown> | null;
}
