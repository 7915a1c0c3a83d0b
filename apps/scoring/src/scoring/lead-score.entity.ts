import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ScoreTier } from '@crm/contracts';

/**
 * A lead's current totals (the sums of its non-expired ledger rows) and tier. The row is also the lead's lock:
 * every score change of a lead runs under a row lock on it (taken in lead_id order for a batch of leads), so
 * concurrent batches with events of one lead are scored one after the other and cannot both pass a cap.
 */
@Entity({ name: 'lead_scores' })
export class LeadScore {
  @PrimaryColumn({ name: 'lead_id', type: 'uuid' }) leadId: string;
  @Column({ type: 'int', default: 0 }) demographic: number;
  @Column({ type: 'int', default: 0 }) engagement: number;
  @Column({ type: 'int', default: 0 }) behavior: number;
  @Column({ type: 'int', default: 0 }) total: number;
  @Column({ type: 'varchar', length: 20, default: 'cold' }) tier: ScoreTier;
  /** Grows by one with every `scoring.lead.scored.v1` of this lead, so readers apply only newer scores. */
  @Column({ type: 'int', default: 0 }) version: number;
  /** Confidence points per intent: the sums of the lead's intent signals. */
  @Column({ name: 'intent_research', type: 'int', default: 0 }) intentResearch: number;
  @Column({ name: 'intent_b2b', type: 'int', default: 0 }) intentB2b: number;
  @Column({ name: 'intent_co_creation', type: 'int', default: 0 }) intentCoCreation: number;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
