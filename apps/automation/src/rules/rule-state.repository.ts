import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';
import { DealStageEntity, RuleArmingEntity } from './rule-state.entities';

/** A deal whose stage entry a `time_in_stage` rule has not fired for yet. */
export interface DueDeal {
  deal_id: string;
  lead_id: string;
  pipeline_id: string | null;
  stage_id: string;
  stage_entry_key: string;
  entered_at: Date;
}

/**
 * The only code touching the rules' state tables (arming per rule and lead, and the deal-stage read model);
 * joins the caller's transaction.
 */
@Injectable()
export class RuleStateRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get arming() {
    return this.tx.manager.getRepository(RuleArmingEntity);
  }

  private get dealStages() {
    return this.tx.manager.getRepository(DealStageEntity);
  }

  /** The arming rows of these rules for one lead, locked until the transaction ends. */
  async armingForUpdate(ruleIds: string[], leadId: string): Promise<Map<string, RuleArmingEntity>> {
    if (!ruleIds.length) return new Map();
    // Insert-then-lock: two causes for one lead queue on the row instead of both reading "absent".
    await this.tx.manager.query(
      `INSERT INTO automation_rule_arming (rule_id, lead_id, armed, last_seen)
       SELECT id, $2, true, -1 FROM unnest($1::uuid[]) AS id ON CONFLICT DO NOTHING`,
      [ruleIds, leadId],
    );
    const rows = await this.arming
      .createQueryBuilder('a')
      .where('a.rule_id IN (:...ruleIds)', { ruleIds })
      .andWhere('a.lead_id = :leadId', { leadId })
      .setLock('pessimistic_write')
      .getMany();
    return new Map(rows.map((row) => [row.rule_id, row]));
  }

  async saveArming(row: RuleArmingEntity): Promise<void> {
    await this.arming.save(row);
  }

  dealStageForUpdate(dealId: string): Promise<DealStageEntity | null> {
    return this.dealStages.findOne({ where: { deal_id: dealId }, lock: { mode: 'pessimistic_write' } });
  }

  async saveDealStage(row: DealStageEntity): Promise<void> {
    await this.dealStages.save(row);
  }

  /**
   * Takes the time-in-stage sweep for this transaction unless another instance holds it (then false): one
   * runner at a time, whatever the number of instances.
   */
  async trySweepLock(): Promise<boolean> {
    const [row] = (await this.tx.manager.query(
      `SELECT pg_try_advisory_xact_lock(hashtext('automation.rules.time_in_stage_sweep')) AS locked`,
    )) as { locked: boolean }[];
    return row.locked;
  }

  /**
   * Open deals in the stage (any stage when null) and pipeline (any when null) entered at or before `cutoff`,
   * whose current stage entry has no log row of this rule yet; oldest entries first.
   */
  dueDeals(
    ruleId: string,
    stageId: string | null,
    pipelineId: string | null,
    cutoff: Date,
    limit: number,
  ): Promise<DueDeal[]> {
    return this.tx.manager.query(
      `SELECT d.deal_id, d.lead_id, d.pipeline_id, d.stage_id, d.stage_entry_key, d.entered_at
       FROM automation_deal_stages d
       WHERE d.status = 'open' AND d.entered_at <= $2
         AND ($3::uuid IS NULL OR d.stage_id = $3) AND ($4::uuid IS NULL OR d.pipeline_id = $4)
         AND NOT EXISTS (SELECT 1 FROM automation_rule_logs l
                         WHERE l.rule_id = $1 AND l.occurrence_key = d.deal_id || ':' || d.stage_entry_key)
       ORDER BY d.entered_at, d.deal_id
       LIMIT $5`,
      [ruleId, cutoff, stageId, pipelineId, limit],
    );
  }
}
