import { Injectable } from '@nestjs/common';
import { Subjects } from '@crm/contracts';
import { Outbox, type OutboxMessage } from '@crm/messaging';
import { TransactionHost } from '@crm/service-kit';
import { LeadScoreRepository } from './lead-score.repository';
import { nextScore, type StoredScore } from './score-emission-plan';
import { ScoreLedgerRepository } from './score-ledger.repository';
import { sameTotals } from './score-totals';

/**
 * Expiry (product.md: daily, and on demand): ledger rows whose points ran out are marked expired, the leads'
 * totals re-summed under their locks, and each lead whose totals changed gets `scoring.lead.scored.v1` with
 * reason `expiry` (and `tier_changed` when it crossed a tier). Event scoring expires a lead's due rows too
 * before it sums them, so a total is never emitted with points past their time; this job covers the leads
 * that stay quiet.
 */
@Injectable()
export class ExpiryService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly ledger: ScoreLedgerRepository,
    private readonly leadScores: LeadScoreRepository,
    private readonly outbox: Outbox,
  ) {}

  /** Expires the due points of up to `limit` leads in one transaction; returns how many leads, and changed. */
  async expireNextLeads(now: Date, limit: number): Promise<{ leads: number; changed: number }> {
    return this.tx.transaction(async () => {
      const leadIds = (await this.ledger.leadsWithDuePoints(now, limit)).sort();
      if (!leadIds.length) return { leads: 0, changed: 0 };
      const stored = await this.leadScores.lockForScoring(leadIds);
      await this.ledger.expireDue(leadIds, now);
      const totals = await this.ledger.sumLive(leadIds);
      const scores: { leadId: string; score: StoredScore }[] = [];
      const messages: OutboxMessage[] = [];
      for (const leadId of leadIds) {
        const before = stored.get(leadId)!;
        const after = totals.get(leadId)!;
        if (sameTotals(before.totals, after)) continue;
        const score = nextScore(
          leadId,
          before,
          { totals: after, intent: before.intent },
          {
            reason: 'expiry',
            eventId: null,
            pointsApplied: after.total - before.totals.total,
            scoredAt: now,
          },
        );
        scores.push({
          leadId,
          score: { totals: after, tier: score.tier, version: score.version, intent: before.intent },
        });
        messages.push({ subject: Subjects.LeadScored, data: score });
      }
      await this.leadScores.saveScores(scores);
      await this.outbox.publishMany(messages);
      return { leads: leadIds.length, changed: scores.length };
    });
  }
}
