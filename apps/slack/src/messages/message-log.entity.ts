import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * `sending`: an attempt is under way, or ended without its outcome being recorded (then Slack may or may not
 * show the message); `sent`: Slack accepted it; `failed`: it was not posted, or the outcome stayed unknown
 * (error code `outcome_unknown`).
 */
export type MessageLogStatus = 'sending' | 'sent' | 'failed';

/**
 * One row per idempotency key: what happened to the message, never what it said (no text, no webhook URL),
 * so the log holds no personal data and no secrets.
 */
@Entity({ name: 'message_log' })
export class MessageLogEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text', unique: true }) idempotency_key: string;
  /** the requester's reference (e.g. a trigger run id). */
  @Column({ type: 'text', nullable: true }) reference: string | null;
  @Column({ type: 'text' }) channel: string;
  @Column({ type: 'text', nullable: true }) mode: 'webhook' | 'bot' | null;
  @Column({ type: 'text' }) status: MessageLogStatus;
  /** Attempts to post across every command with this key. */
  @Column({ type: 'int', default: 0 }) attempts: number;
  /** When the latest attempt began (recorded before calling Slack). */
  @Column({ type: 'timestamptz', nullable: true }) attempt_started_at: Date | null;
  @Column({ type: 'text', nullable: true }) vendor_ts: string | null;
  @Column({ type: 'text', nullable: true }) vendor_response: string | null;
  @Column({ type: 'text', nullable: true }) error_code: string | null;
  @Column({ type: 'text', nullable: true }) error_message: string | null;
  @Column({ type: 'int', nullable: true }) vendor_status: number | null;
  @Column({ type: 'boolean', nullable: true }) retryable: boolean | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) created_at: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updated_at: Date;
  @Column({ type: 'timestamptz', nullable: true }) sent_at: Date | null;
}
