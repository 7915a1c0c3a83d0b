import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { DealStatus } from '@crm/contracts';
import { LeadEntity } from '../leads/lead.entity';
import { PipelineEntity } from '../pipelines/pipeline.entity';
import { StageEntity } from '../pipelines/stage.entity';
import { TeamMemberEntity } from '../team/team-member.entity';

@Entity({ name: 'deals' })
export class DealEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'lead_id', type: 'uuid' }) leadId: string;
  @Column({ name: 'pipeline_id', type: 'uuid' }) pipelineId: string;
  @Column({ name: 'stage_id', type: 'uuid' }) stageId: string;
  /** Kanban slot within the stage, 1…n. */
  @Column({ type: 'int', default: 1 }) position: number;
  @Column({ type: 'varchar', length: 255 }) name: string;
  /** numeric(14,2): pg returns it as a string; views convert to a number. */
  @Column({ type: 'numeric', precision: 14, scale: 2, nullable: true }) value: string | null;
  @Column({ type: 'varchar', length: 3, default: 'EUR' }) currency: string;
  /** `YYYY-MM-DD` */
  @Column({ name: 'expected_close_date', type: 'date', nullable: true }) expectedCloseDate: string | null;
  @Column({ name: 'assigned_to', type: 'uuid', nullable: true }) assignedTo: string | null;
  @Column({ name: 'assigned_region', type: 'varchar', length: 50, nullable: true }) assignedRegion:
    string | null;
  @Column({ name: 'assigned_at', type: 'timestamptz', nullable: true }) assignedAt: Date | null;
  @Column({ type: 'varchar', length: 10, default: 'open' }) status: DealStatus;
  @Column({ name: 'close_reason', type: 'varchar', length: 500, nullable: true }) closeReason: string | null;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt: Date | null;
  @Column({ name: 'moco_offer_id', type: 'varchar', length: 50, nullable: true }) mocoOfferId: string | null;
  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` }) metadata: Record<string, unknown>;
  @Column({ name: 'stage_entered_at', type: 'timestamptz' }) stageEnteredAt: Date;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;

  // Loaded for views (names, lead contact); the foreign keys themselves live in the migrations.
  @ManyToOne(() => LeadEntity, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'lead_id' })
  lead?: LeadEntity;

  @ManyToOne(() => PipelineEntity, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'pipeline_id' })
  pipeline?: PipelineEntity;

  @ManyToOne(() => StageEntity, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'stage_id' })
  stage?: StageEntity;

  @ManyToOne(() => TeamMemberEntity, { nullable: true, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'assigned_to' })
  owner?: TeamMemberEntity | null;
}
