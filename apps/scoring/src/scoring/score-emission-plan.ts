import type { LeadScoredV1, ScoreCategory, ScoreTier, ScoreTotals } from '@crm/contracts';
import { tierFor } from './score-tier';
import { addPoints, sameTotals } from './score-totals';

/** A lead's score as last stored (and emitted). */
export interface StoredScore {
  totals: ScoreTotals;
  tier: ScoreTier;
  version: number;
}

/** One event of the lead, in event order, with the points it added that count (rows applied and not expired). */
export interface ScoredEvent {
  eventId: string;
  leadCreated: boolean;
  /** One entry per rule applied with points that count (zero-point rules included). */
  applied: { category: ScoreCategory; points: number }[];
}

export interface LeadEmissionPlan {
  /** Per event, in the order given: the score to emit, or null. */
  emissions: (LeadScoredV1 | null)[];
  /** What the lead's stored score must become. */
  final: StoredScore;
}

/**
 * The `scoring.lead.scored.v1` messages of one lead's events in a batch. `liveBefore` are the lead's live totals
 * before the batch's points (after due points expired). Walking the events in order, each event's totals are
 * the previous ones plus its points; it emits when a rule applied with points that count, when its totals differ
 * from the last stored or emitted ones (points of earlier events ran out), or when the lead is new
 * (`lead_created`), so the leads read model gets the new lead's tier even if it scored nothing. Versions grow by
 * one per emission, in event order.
 */
export function planLeadEmissions(
  leadId: string,
  stored: StoredScore,
  liveBefore: ScoreTotals,
  events: ScoredEvent[],
  scoredAt: Date,
): LeadEmissionPlan {
  let totals = liveBefore;
  let last = stored;
  const emissions = events.map(({ eventId, leadCreated, applied }) => {
    for (const { category, points } of applied) totals = addPoints(totals, category, points);
    if (!applied.length && !leadCreated && sameTotals(totals, last.totals)) return null;
    const emitted = nextScore(leadId, last, totals, {
      reason: 'event',
      eventId,
      pointsApplied: applied.reduce((sum, { points }) => sum + points, 0),
      scoredAt,
    });
    last = { totals, tier: emitted.tier, version: emitted.version };
    return emitted;
  });
  return { emissions, final: last };
}

/** The `scoring.lead.scored.v1` that moves a lead from its last emitted score to `totals` (next version). */
export function nextScore(
  leadId: string,
  last: StoredScore,
  totals: ScoreTotals,
  cause: { reason: LeadScoredV1['reason']; eventId: string | null; pointsApplied: number; scoredAt: Date },
): LeadScoredV1 {
  const tier = tierFor(totals.total);
  return {
    lead_id: leadId,
    version: last.version + 1,
    scores: totals,
    previous_total: last.totals.total,
    tier,
    previous_tier: last.tier,
    tier_changed: tier !== last.tier,
    reason: cause.reason,
    event_id: cause.eventId,
    points_applied: cause.pointsApplied,
    scored_at: cause.scoredAt.toISOString(),
  };
}
