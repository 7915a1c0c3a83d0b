import { Injectable } from '@nestjs/common';
import type { LeadScoredV1 } from '@crm/contracts';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { LeadEventRepository } from './lead-event.repository';
import { LeadRepository } from './lead.repository';

/** Keeps the lead's copy of its score (read model of scoring) so lists can filter and sort by it. */
@Injectable()
export class LeadScoreService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly leads: LeadRepository,
    private readonly events: LeadEventRepository,
    logger: AppLogger,
  ) {
    this.log = logger.child('lead-score');
  }

  /** Applies a batch of scores in delivery order, in one transaction. */
  async applyScores({ scores }: { scores: readonly LeadScoredV1[] }): Promise<void> {
    await this.tx.transaction(async () => {
      for (const score of scores) await this.applyScore(score);
    });
  }

  /** Applies the score only if its version is newer than the stored one: deliveries may arrive out of order. */
  async applyScore(score: LeadScoredV1): Promise<{ applied: boolean }> {
    return this.tx.transaction(async () => {
      const applied = await this.leads.applyScoreIfNewer(score);
      // The points of one event never change with later versions, so they are recorded whatever the order.
      if (score.reason === 'event' && score.event_id) {
        await this.events.setScorePoints(score.lead_id, score.event_id, score.points_applied);
      }
      if (!applied) {
        this.log.debug(
          { lead_id: score.lead_id, version: score.version },
          'stale or unknown-lead score ignored',
        );
      }
      return { applied };
    });
  }
}
