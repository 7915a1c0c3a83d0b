import type {
  Intent,
  IntentSummaryV1,
  LeadScoredV1,
  ScoreCategory,
  ScoreTier,
  ScoreTotals,
} from '@crm/contracts';
import { addIntentPoints, intentOf, sameIntentSummary } from '../intent/intent.rules';
import { tierFor } from './score-tier';
import { addPoints, sameTotals } from './score-totals';

/** A lead's score as last stored (and emitted), with its confidence points per intent. */
export interface StoredScore {
  totals: ScoreTotals;
  tier: ScoreTier;
  version: number;
  intent: IntentSummaryV1;
}

/** One event of the lead, in event order, with the points it added that count (rows applied and not expired). */
export interface ScoredEvent {
  eventId: string;
  leadCreated: boolean;
  /** One entry per rule applied with points that count (zero-point rules included). */
  applied: { category: ScoreCategory; points: number }[];
  /** Intent signals the event gave (new intent rules held). */
  intentGained: { intent: Intent; points: number }[];
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
 * from the last stored or emitted ones (points of earlier events ran out), when it gave intent signals
 * (every emission carries the lead's whole intent), or when the lead is new
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
  let intent = stored.intent;
  let last = stored;
  const emissions = events.map(({ eventId, leadCreated, applied, intentGained }) => {
    for (const { category, points } of applied) totals = addPoints(totals, category, points);
    for (const gain of intentGained) intent = addIntentPoints(intent, gain.intent, gain.points);
    const unchanged = sameTotals(totals, last.totals) && sameIntentSummary(intent, last.intent);
    if (!applied.length && !leadCreated && unchanged) return null;
    const emitted = nextScore(
      leadId,
      last,
      { totals, intent },
      {
        reason: 'event',
        eventId,
        pointsApplied: applied.reduce((sum, { points }) => sum + points, 0),
        scoredAt,
      },
    );
    last = { totals, tier: emitted.tier, version: emitted.version, intent };
    return emitted;
  });
  return { emissions, final: last };
}

/**
 * The `scoring.lead.scored.v1` that moves a lead from its last emitted score to these totals and intent points
 * (next version); it always carries the lead's whole intent, so the read model never needs an older message.
 */
export function nextScore(
  leadId: string,
  last: StoredScore,
  { totals, intent }: { totals: ScoreTotals; intent: IntentSummaryV1 },
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
    intent: intentOf(intent),
  };
}
