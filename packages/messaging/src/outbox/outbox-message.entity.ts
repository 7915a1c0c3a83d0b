import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A message waiting to be published, written in the same transaction as the state change it announces. */
@Entity({ name: 'outbox_message' })
@Index('outbox_message_due', ['nextAttemptAt'], { where: 'published_at IS NULL AND parked_at IS NULL' })
@Index('outbox_message_published_at', ['publishedAt'], { where: 'published_at IS NOT NULL' })
export class OutboxMessageEntity {
  /** the envelope id, published as `Nats-Msg-Id` so a re-publish after a crash is dropped by JetStream. */
  @PrimaryColumn('uuid') id: string;
  @Column('text') subject: string;
  @Column('jsonb') envelope: Record<string, unknown>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt: Date | null;
  /** claims so far, including one in progress. */
  @Column({ type: 'int', default: 0 }) attempts: number;
  /** when the row may be claimed: after a failure's backoff, or when a claim's lease runs out. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' }) nextAttemptAt: Date;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  /** set when the relay gave up on the row; it is kept with last_error and never claimed again. */
  @Column({ name: 'parked_at', type: 'timestamptz', nullable: true }) parkedAt: Date | null;
}
