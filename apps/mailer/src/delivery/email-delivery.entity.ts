import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * `sending`: an attempt is under way, or ended without its outcome being recorded (the server may have taken the
 * email); `sent`: the server accepted it; `failed`: not sent, or the outcome stayed unknown (error code
 * `outcome_unknown`); `bounced`: the server refused the recipient for good.
 */
export type DeliveryStatus = 'sending' | 'sent' | 'failed' | 'bounced';

/**
 * One row per idempotency key. It keeps the recipient and the rendered email (what was sent, for support), until
 * the lead is erased: then those are cleared and the row stays, so a redelivered command still sends nothing.
 */
@Entity({ name: 'email_delivery' })
export class EmailDeliveryEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text', unique: true }) idempotency_key: string;
  @Column({ type: 'text', nullable: true }) reference: string | null;
  @Column({ type: 'uuid', nullable: true }) lead_id: string | null;
  @Column({ type: 'text', nullable: true }) template_key: string | null;
  @Column({ type: 'text', nullable: true }) recipient: string | null;
  @Column({ type: 'text', nullable: true }) recipient_name: string | null;
  @Column({ type: 'text', nullable: true }) subject: string | null;
  @Column({ type: 'text', nullable: true }) html: string | null;
  @Column({ type: 'text', nullable: true }) text: string | null;
  @Column({ type: 'text' }) message_id: string;
  @Column({ type: 'text' }) status: DeliveryStatus;
  /** Attempts to send across every command with this key. */
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ type: 'timestamptz', nullable: true }) attempt_started_at: Date | null;
  /** the server's last reply. */
  @Column({ type: 'text', nullable: true }) smtp_response: string | null;
  @Column({ type: 'int', nullable: true }) smtp_status: number | null;
  @Column({ type: 'text', nullable: true }) error_code: string | null;
  @Column({ type: 'text', nullable: true }) error_message: string | null;
  @Column({ type: 'boolean', nullable: true }) retryable: boolean | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) created_at: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updated_at: Date;
  @Column({ type: 'timestamptz', nullable: true }) sent_at: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) erased_at: Date | null;
}
