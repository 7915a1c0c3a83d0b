import { Injectable } from '@nestjs/common';
import { Subjects, type LeadScoredV1 } from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { RoutingConfigService } from '../routing/routing-config.service';
import { decide } from '../routing/routing.rules';
import { LeadEventRepository } from './lead-event.repository';
import { LeadRepository, type AppliedScore } from './lead.repository';
import { eventPointsOf, newestScorePerLead } from './lead-score.rules';

export interface ApplyScoresInput {
  /** validated scores in delivery order; may repeat or arrive out of version order. */
  scores: readonly LeadScoredV1[];
}

/**
 * Keeps the lead's copy of its score (read model of scoring) so lists can filter and sort by it, and asks
 * routing to evaluate the unrouted leads whose new score passes the gate.
 */
@Injectable()
export class LeadScoreService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly leads: LeadRepository,
    private readonly events: LeadEventRepository,
    private readonly routingConfig: RoutingConfigService,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('lead-score');
  }

  /**
   * Applies the newest score of each lead in the batch, unless the lead already holds that version or a newer
   * one (deliveries may arrive out of order), and records the points of each scored event. In the same
   * transaction, a routing evaluation is queued for each unrouted lead the new score makes routable.
   */
  async applyScores({ scores }: ApplyScoresInput): Promise<{ applied: number; routingRequested: number }> {
    return this.tx.transaction(async () => {
      const newest = newestScorePerLead(scores);
      const applied = await this.leads.applyScoresIfNewer(newest);
      await this.events.setScorePointsMany(eventPointsOf(scores));
      if (applied.length < newest.length) {
        this.log.debug({ ignored: newest.length - applied.length }, 'stale or unknown-lead scores ignored');
      }
      const routingRequested = await this.requestRouting(applied);
      return { applied: applied.length, routingRequested };
    });
  }

  /**
   * Queues an evaluation for each lead routing would now route or send to review; a lead that would only wait
   * stays in the pool without one (the stuck-in-pool sweep sees it). The routing settings are read (at most once
   * a second) only when some lead has intent points.
   */
  private async requestRouting(applied: AppliedScore[]): Promise<number> {
    // Without intent points a lead can be neither routed nor in conflict: no need to read the settings.
    const unrouted = applied.filter(
      (lead) =>
        lead.routingStatus === 'unrouted' && Object.values(lead.intentSummary ?? {}).some((p) => p > 0),
    );
    if (!unrouted.length) return 0;
    const config = await this.routingConfig.current();
    const now = new Date();
    const candidates = unrouted.filter((lead) => {
      const { action } = decide(lead, config, now);
      return action === 'route' || action === 'manual_review';
    });
    if (!candidates.length) return 0;
    const requestedAt = new Date().toISOString();
    await this.outbox.publishMany(
      candidates.map((lead) => ({
        subject: Subjects.EvaluateLeadRouting,
        data: { lead_id: lead.id, requested_by: 'score' as const, requested_at: requestedAt },
        options: { idempotencyKey: `routing-evaluate:${lead.id}:${lead.scoreVersion}` },
      })),
    );
    return candidates.length;
  }
}
