import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One outbound webhook endpoint (api.md §16). Secrets are stored encrypted only (SecretCipher, data: the id). */
@Entity({ name: 'webhook_subscription' })
export class SubscriptionEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'text' }) url: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'text', array: true }) event_types: string[];
  @Column({ type: 'boolean', default: true }) is_active: boolean;
  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` }) headers: Record<string, string>;
  @Column({ type: 'text' }) secret_ciphertext: string;
  /** The secret before the last rotation: still signs until `previous_secret_expires_at`. */
  @Column({ type: 'text', nullable: true }) previous_secret_ciphertext: string | null;
  @Column({ type: 'timestamptz', nullable: true }) previous_secret_expires_at: Date | null;
  @Column({ type: 'text', nullable: true }) disabled_reason: string | null;
  @Column({ type: 'timestamptz', nullable: true }) last_delivery_at: Date | null;
  /** Deleted subscriptions stay for their delivery history, invisible to the API. */
  @Column({ type: 'timestamptz', nullable: true }) deleted_at: Date | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) created_at: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updated_at: Date;
}
