import { Injectable } from '@nestjs/common';
import type { LeadScoredV1 } from '@crm/contracts';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { LeadEventRepository } from './lead-event.repository';
import { LeadRepository } from './lead.repository';
import { eventPointsOf, newestScorePerLead } from './lead-score.rules';

export interface ApplyScoresInput {
  /** validated scores in delivery order; may repeat or arrive out of version order. */
  scores: readonly LeadScoredV1[];
}

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

  /**
   * Applies the newest score of each lead in the batch, unless the lead already holds that version or a newer
   * one (deliveries may arrive out of order), and records the points of each scored event.
   */
  async applyScores({ scores }: ApplyScoresInput): Promise<{ applied: number }> {
    return this.tx.transaction(async () => {
      const newest = newestScorePerLead(scores);
      const applied = await this.leads.applyScoresIfNewer(newest);
      await this.events.setScorePointsMany(eventPointsOf(scores));
      if (applied < newest.length) {
        this.log.debug({ ignored: newest.length - applied }, 'stale or unknown-lead scores ignored');
      }
      return { applied };
    });
  }
}
