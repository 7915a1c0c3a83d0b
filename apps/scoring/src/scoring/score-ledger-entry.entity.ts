import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ScoreCategory } from '@crm/contracts';

export const LEDGER_REASONS = ['event', 'fit', 'fit_withdrawn', 'threshold', 'recalculation'] as const;
export type LedgerReason = (typeof LEDGER_REASONS)[number];

/**
 * One row per rule application: the ledger explains every score row by row. A lead's totals are the sums of
 * its non-expired rows per category; caps count rows (expired or not) by event time, so scoring depends only
 * on the events and never on when they were processed.
 *
 * Beyond event rows:
 * - Fit rules (`field`, fit-scoring.service.ts): a row with `event_id` null and reason `fit`, `occurred_at` =
 *   when the profile changed; when the field stops matching, a `fit_withdrawn` row takes exactly the held points
 *   back. A rule is held while its `fit` rows outnumber its `fit_withdrawn` rows; that is decided under the
 *   lead's lock, so it applies at most once at a time.
 * - Expiry (expiry.service.ts): rows whose `expires_at` passed are marked expired (partial index on expires_at
 *   WHERE NOT expired) and each touched lead is re-summed under its lock and emits reason `expiry`. The event
 *   consumer does the same for the leads it scores, so an emitted total never counts points past their time.
 * - Recalculation (recalculation.service.ts): under the lead's lock, its rows are deleted and written again by a
 *   replay of scoring's copy of its events in event time through the current rules (same matching and cap
 *   functions); because caps use event time and `expires_at` derives from `occurred_at`, a replay of unchanged
 *   rules reproduces the same rows.
 */
@Entity({ name: 'score_ledger' })
export class ScoreLedgerEntry {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'lead_id', type: 'uuid' }) leadId: string;
  /** The recorded lead event (leads' event id); null for fit rows. UNIQUE (event_id, rule_id). */
  @Column({ name: 'event_id', type: 'uuid', nullable: true }) eventId: string | null;
  @Column({ name: 'rule_id', type: 'uuid' }) ruleId: string;
  @Column({ name: 'rule_slug', type: 'varchar', length: 100 }) ruleSlug: string;
  /** With rule_id, references rule_versions: the exact rule definition applied. */
  @Column({ name: 'rule_version', type: 'int' }) ruleVersion: number;
  @Column({ type: 'varchar', length: 20 }) category: ScoreCategory;
  @Column({ type: 'int' }) points: number;
  /** When the scored event happened (event time, not processing time). */
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt: Date;
  /** occurred_at + the rule's decay_days; null = permanent. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true }) expiresAt: Date | null;
  @Column({ type: 'boolean', default: false }) expired: boolean;
  @Column({ name: 'expired_at', type: 'timestamptz', nullable: true }) expiredAt: Date | null;
  @Column({ type: 'varchar', length: 20 }) reason: LedgerReason;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
