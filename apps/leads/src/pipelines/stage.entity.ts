import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { StageType } from '@crm/contracts';

@Entity({ name: 'stages' })
export class StageEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'pipeline_id', type: 'uuid' }) pipelineId: string;
  @Column({ type: 'varchar', length: 100 }) slug: string;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @Column({ type: 'int' }) position: number;
  @Column({ type: 'varchar', length: 7, nullable: true }) color: string | null;
  /** `closed_won` / `closed_lost` close a deal that enters the stage. */
  @Column({ name: 'stage_type', type: 'varchar', length: 20, nullable: true }) stageType: StageType | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
