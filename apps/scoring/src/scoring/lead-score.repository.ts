import { Injectable } from '@nestjs/common';
import type { ScoreTier, ScoreTotals } from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import { LeadScore } from './lead-score.entity';

@Injectable()
export class LeadScoreRepository {
  constructor(private readonly tx: TransactionHost) {}

  /**
   * Creates the lead's score row if needed and locks it until the current transaction ends. Every score
   * change of a lead goes through here first, so events of one lead are scored strictly one at a time.
   */
  async lockForScoring(leadId: string): Promise<LeadScore> {
    const repository = this.tx.manager.getRepository(LeadScore);
    await repository.createQueryBuilder().insert().values({ leadId }).orIgnore().execute();
    const row = await repository.findOne({ where: { leadId }, lock: { mode: 'pessimistic_write' } });
    if (!row) throw new Error(`lead_scores row of ${leadId} vanished while locking it`);
    return row;
  }

  async saveScore(leadId: string, totals: ScoreTotals, tier: ScoreTier, version: number): Promise<void> {
    await this.tx.manager.getRepository(LeadScore).update({ leadId }, { ...totals, tier, version });
  }
}
