import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A message waiting to be published, written in the same transaction as the state change it announces. */
@Entity({ name: 'outbox_message' })
@Index('outbox_message_unpublished', ['createdAt'], { where: 'published_at IS NULL' })
export class OutboxMessageEntity {
  /** the envelope id, published as `Nats-Msg-Id` so a re-publish after a crash is dropped by JetStream. */
  @PrimaryColumn('uuid') id: string;
  @Column('text') subject: string;
  @Column('jsonb') envelope: Record<string, unknown>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt: Date | null;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
}
