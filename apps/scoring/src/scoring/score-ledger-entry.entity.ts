import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ScoreCategory } from '@crm/contracts';

export const LEDGER_REASONS = ['event', 'fit', 'fit_withdrawn', 'threshold', 'recalculation'] as const;
export type LedgerReason = (typeof LEDGER_REASONS)[number];

/**
 * One row per rule application: the ledger explains every score row by row. A lead's totals are the sums of
 * its non-expired rows per category; caps count rows (expired or not) by event time, so scoring depends only
 * on the events and never on when they were processed.
 *
 * How the later features fit:
 * - Fit rules (`field`, fit-scoring.service.ts): a row with `event_id` null and reason `fit`, `occurred_at` =
 *   when the profile changed; when the field stops matching, a `fit_withdrawn` row takes exactly the held points
 *   back. A rule is held while its `fit` rows outnumber its `fit_withdrawn` rows; that is decided under the
 *   lead's lock, so it applies at most once at a time.
 * - Expiry: a scheduled job sets `expired = true, expired_at = now()` on rows whose `expires_at` has passed
 *   (partial index on expires_at WHERE NOT expired), then re-sums each touched lead under the lead's lock and
 *   emits `scoring.lead.scored.v1` with reason `expiry`. The event consumer already does this for the lead it is
 *   scoring, so an emitted total never includes points that are past their `expires_at`.
 * - Recalculation: under the lead's lock, the lead's rows are set aside (moved to a history table, or marked
 *   superseded with the unique key narrowed to the live rows) and its stored events are replayed in event time
 *   through the current rules with the same pure matching and cap functions; because caps use event time and
 *   `expires_at` derives from `occurred_at`, a replay of unchanged rules reproduces the same rows.
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
