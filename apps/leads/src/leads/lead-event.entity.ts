import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The producer event log; `(source, event_id)` is unique, so an event is stored (and scored) once. The points
 * scoring applied to an event are in `lead_event_scores`, written when they arrive (no update of this row).
 */
@Entity({ name: 'lead_events' })
export class LeadEventEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'event_id', type: 'uuid' }) eventId: string;
  @Column({ name: 'producer_event_id', type: 'varchar', length: 128, nullable: true }) producerEventId:
    string | null;
  @Column({ name: 'lead_id', type: 'uuid' }) leadId: string;
  @Column({ name: 'event_type', type: 'varchar', length: 100 }) eventType: string;
  @Column({ name: 'event_category', type: 'varchar', length: 50, nullable: true }) eventCategory:
    string | null;
  @Column({ type: 'varchar', length: 20 }) source: string;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt: Date;
  @Column({ name: 'received_at', type: 'timestamptz' }) receivedAt: Date;
  @Column({ type: 'jsonb' }) metadata: Record<string, unknown>;
  @Column({ name: 'campaign_id', type: 'varchar', length: 100, nullable: true }) campaignId: string | null;
  @Column({ name: 'utm_source', type: 'varchar', length: 100, nullable: true }) utmSource: string | null;
  @Column({ name: 'utm_medium', type: 'varchar', length: 100, nullable: true }) utmMedium: string | null;
  @Column({ name: 'utm_campaign', type: 'varchar', length: 100, nullable: true }) utmCampaign: string | null;
  @Column({ name: 'correlation_id', type: 'varchar', length: 128, nullable: true }) correlationId:
    string | null;
  @Column({ name: 'score_category', type: 'varchar', length: 20, nullable: true }) scoreCategory:
    string | null;
  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true }) processedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
