import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type DeadLetterReason = 'invalid_message' | 'permanent_error' | 'max_deliver_exceeded';

/** A message its consumer gave up on, kept with the error so an operator can read, fix and re-publish it. */
@Entity({ name: 'dead_letter' })
@Index('dead_letter_status', ['status', 'createdAt'])
export class DeadLetterEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') consumer: string;
  @Column('text') subject: string;
  @Column({ name: 'message_id', type: 'text', nullable: true }) messageId: string | null;
  @Column({ type: 'text', nullable: true }) type: string | null;
  @Column('text') reason: DeadLetterReason;
  @Column({ name: 'delivery_count', type: 'int' }) deliveryCount: number;
  @Column({ name: 'stream_sequence', type: 'bigint', nullable: true }) streamSequence: string | null;
  @Column({ name: 'last_error', type: 'text' }) lastError: string;
  /** the raw message as received (it may not even be JSON). */
  @Column('text') payload: string;
  @Column({ type: 'text', default: 'dead' }) status: 'dead' | 'requeued';
  @Column({ name: 'requeue_count', type: 'int', default: 0 }) requeueCount: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'requeued_at', type: 'timestamptz', nullable: true }) requeuedAt: Date | null;
  @Column({ name: 'last_failed_at', type: 'timestamptz', nullable: true }) lastFailedAt: Date | null;
}
