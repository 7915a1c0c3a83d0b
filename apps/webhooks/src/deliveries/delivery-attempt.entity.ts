import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The log of one delivery's attempts (api.md §16 `attempts`). */
@Entity({ name: 'webhook_delivery_attempt' })
export class DeliveryAttemptEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'uuid' }) delivery_id: string;
  @Column({ type: 'timestamptz' }) attempted_at: Date;
  @Column({ type: 'int', nullable: true }) response_status: number | null;
  @Column({ type: 'int' }) duration_ms: number;
  @Column({ type: 'text', nullable: true }) error: string | null;
}
