import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * `pending`: not attempted yet; `failed`: the last attempt failed and another is due at `next_attempt_at`;
 * `succeeded`; `exhausted`: every attempt failed; `cancelled`: the subscription was deleted (or answered 410)
 * before it was sent.
 */
export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'exhausted' | 'cancelled';

/**
 * One event for one subscription (api.md §16 delivery). `body` is the exact JSON sent (so every attempt signs the
 * same bytes); `event_id` is the `webhook-id`, the same for retries and redeliveries.
 */
@Entity({ name: 'webhook_delivery' })
export class DeliveryEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) subscription_id: string;
  @Column({ type: 'text' }) event_id: string;
  @Column({ type: 'text' }) event_type: string;
  @Column({ type: 'text' }) body: string;
  /** the lead the event is about, for GDPR erasure and export */
  @Column({ type: 'uuid', nullable: true }) lead_id: string | null;
  /** set on a redelivery: the delivery it repeats */
  @Column({ type: 'uuid', nullable: true }) redelivery_of: string | null;
  @Column({ type: 'text' }) status: DeliveryStatus;
  @Column({ type: 'int', default: 0 }) attempts: number;
  /** when the next attempt is due; while an attempt is under way, when its claim lapses */
  @Column({ type: 'timestamptz', nullable: true }) next_attempt_at: Date | null;
  /** the claim of the attempt under way: only its holder records the outcome */
  @Column({ type: 'uuid', nullable: true }) claim_token: string | null;
  @Column({ type: 'timestamptz', nullable: true }) last_attempt_at: Date | null;
  @Column({ type: 'int', nullable: true }) response_status: number | null;
  @Column({ type: 'text', nullable: true }) response_body_excerpt: string | null;
  @Column({ type: 'int', nullable: true }) duration_ms: number | null;
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) created_at: Date;
}
