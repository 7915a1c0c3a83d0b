import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ActorType, DealStatus, StageChangeReason } from '@crm/contracts';

/** One row per stage change of a deal (and one for its creation); stage names as they were at the time. */
@Entity({ name: 'deal_stage_history' })
export class DealStageHistoryEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'deal_id', type: 'uuid' }) dealId: string;
  @Column({ name: 'from_stage_id', type: 'uuid', nullable: true }) fromStageId: string | null;
  @Column({ name: 'from_stage_name', type: 'varchar', length: 255, nullable: true }) fromStageName:
    string | null;
  /** null once the stage was deleted (api.md §7); `toStageName` keeps its name. */
  @Column({ name: 'to_stage_id', type: 'uuid', nullable: true }) toStageId: string | null;
  @Column({ name: 'to_stage_name', type: 'varchar', length: 255 }) toStageName: string;
  @Column({ name: 'from_status', type: 'varchar', length: 10, nullable: true }) fromStatus: DealStatus | null;
  @Column({ name: 'to_status', type: 'varchar', length: 10 }) toStatus: DealStatus;
  @Column({ name: 'moved_at', type: 'timestamptz' }) movedAt: Date;
  @Column({ name: 'time_in_previous_stage_seconds', type: 'int', nullable: true })
  timeInPreviousStageSeconds: number | null;
  @Column({ type: 'varchar', length: 20 }) reason: StageChangeReason;
  @Column({ name: 'moved_by_type', type: 'varchar', length: 10 }) movedByType: ActorType;
  @Column({ name: 'moved_by_id', type: 'varchar', length: 255, nullable: true }) movedById: string | null;
  @Column({ name: 'moved_by_name', type: 'varchar', length: 255, nullable: true }) movedByName: string | null;
}
