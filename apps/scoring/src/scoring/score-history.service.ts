import { Injectable } from '@nestjs/common';
import type { LeadScoreHistoryQuery, ScoreBreakdownView, ScoreLedgerRowView } from '@crm/contracts';
import { LeadScoreRepository } from './lead-score.repository';
import { ScoreLedgerRepository } from './score-ledger.repository';

/**
 * Explains a lead's score (api.md §5 `/leads/:id/scores`, §10 history and breakdown): the ledger row by row and
 * the stored totals. A lead that never scored has an empty ledger and zero, cold totals; whether the lead
 * exists at all is the leads service's answer, which the gateway asks.
 */
@Injectable()
export class ScoreHistoryService {
  constructor(
    private readonly ledger: ScoreLedgerRepository,
    private readonly leadScores: LeadScoreRepository,
  ) {}

  async history(query: LeadScoreHistoryQuery): Promise<{ data: ScoreLedgerRowView[] }> {
    return { data: await this.ledger.history({ ...query, lead_id: query.lead_id.toLowerCase() }) };
  }

  async breakdown(leadId: string): Promise<ScoreBreakdownView> {
    const id = leadId.toLowerCase();
    const [score, counts] = await Promise.all([this.leadScores.find(id), this.ledger.countsOf(id)]);
    const totals = score?.totals ?? { demographic: 0, engagement: 0, behavior: 0, total: 0 };
    return {
      lead_id: id,
      score_tier: score?.tier ?? 'cold',
      ...totals,
      history_count: counts.rows,
      expired_points: counts.expiredPoints,
    };
  }
}
