import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Intent, IntentRuleType } from '@crm/contracts';
import type { RuleConditions } from './rule-conditions';

/**
 * An intent rule (product.md, Intent): `points` of confidence for one intent when the rule's conditions hold
 * for a recorded event (`event`) or the lead's fit profile (`field`), at most once per lead. Conditions are
 * those of a scoring rule of the same type. Archived, never deleted: signals reference it.
 */
@Entity({ name: 'intent_rules' })
export class IntentRule {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 100, unique: true }) slug: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ name: 'is_active', type: 'boolean', default: true }) isActive: boolean;
  @Column({ type: 'int', default: 100 }) priority: number;
  @Column({ type: 'varchar', length: 20 }) intent: Intent;
  @Column({ name: 'rule_type', type: 'varchar', length: 20 }) ruleType: IntentRuleType;
  @Column({ type: 'jsonb' }) conditions: RuleConditions;
  @Column({ type: 'int' }) points: number;
  @Column({ type: 'int', default: 1 }) version: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true }) archivedAt: Date | null;
  @Column({ name: 'archived_by', type: 'jsonb', nullable: true }) archivedBy: Record<string, unknown> | null;
  /** The actor of the last change through the API; null for seeded rules never edited. */
  @Column({ name: 'updated_by', type: 'jsonb', nullable: true }) updatedBy: Record<string, unknown> | null;
}
