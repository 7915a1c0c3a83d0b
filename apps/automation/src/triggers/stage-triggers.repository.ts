import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { TransactionHost } from '@crm/service-kit';
import { StageTriggerEntity } from './stage-trigger.entity';

/** The only code touching the stage_triggers table; joins the caller's transaction. */
@Injectable()
export class StageTriggersRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repo() {
    return this.tx.manager.getRepository(StageTriggerEntity);
  }

  listForStage(stageId: string): Promise<StageTriggerEntity[]> {
    return this.repo.find({ where: { stage_id: stageId }, order: { position: 'ASC' } });
  }

  /** The triggers of these stages, each stage's in list order. */
  listForStages(stageIds: string[]): Promise<StageTriggerEntity[]> {
    if (!stageIds.length) return Promise.resolve([]);
    return this.repo.find({ where: { stage_id: In(stageIds) }, order: { stage_id: 'ASC', position: 'ASC' } });
  }

  findByIds(ids: string[]): Promise<StageTriggerEntity[]> {
    return ids.length ? this.repo.find({ where: { id: In(ids) } }) : Promise.resolve([]);
  }

  /** Replaces a stage's whole list: call inside a transaction. */
  async replaceForStage(stageId: string, triggers: StageTriggerEntity[]): Promise<void> {
    await this.repo.delete({ stage_id: stageId });
    if (triggers.length) await this.repo.insert(triggers as QueryDeepPartialEntity<StageTriggerEntity>[]);
  }

  /**
   * Enabled triggers a transition fires: `exit` triggers of the stage left, then `enter` triggers of the stage
   * entered, each in list order.
   */
  async findFiring(toStageId: string, fromStageId: string | null): Promise<StageTriggerEntity[]> {
    const qb = this.repo
      .createQueryBuilder('t')
      .where('t.enabled = true')
      .andWhere(
        fromStageId
          ? `((t.stage_id = :to AND t."on" = 'enter') OR (t.stage_id = :from AND t."on" = 'exit'))`
          : `(t.stage_id = :to AND t."on" = 'enter')`,
        { to: toStageId, from: fromStageId },
      )
      .orderBy(`CASE WHEN t."on" = 'exit' THEN 0 ELSE 1 END`, 'ASC')
      .addOrderBy('t.position', 'ASC');
    return qb.getMany();
  }
}
