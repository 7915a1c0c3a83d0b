import { randomUUID } from 'node:crypto';
import type { ScoreTotals } from '@crm/contracts';
import { planLeadEmissions, type ScoredEvent, type StoredScore } from './score-emission-plan';

const leadId = randomUUID();
const NO_INTENT = { research: 0, b2b: 0, co_creation: 0 };
const scoredAt = new Date('2026-03-10T12:00:00.000Z');
const totals = (engagement: number, behavior = 0): ScoreTotals => ({
  demographic: 0,
  engagement,
  behavior,
  total: engagement + behavior,
});
const stored = (score: ScoreTotals, version: number): StoredScore => ({
  totals: score,
  tier: score.total >= 40 ? 'warm' : 'cold',
  version,
  intent: { research: 0, b2b: 0, co_creation: 0 },
});
const scoredEvent = (points: number[], leadCreated = false): ScoredEvent => ({
  eventId: randomUUID(),
  leadCreated,
  applied: points.map((p) => ({ category: 'engagement', points: p })),
  intentGained: [],
});

describe('planLeadEmissions', () => {
  it('emits one score per scoring event, in order, each continuing from the one before', () => {
    const events = [scoredEvent([2, 15]), scoredEvent([]), scoredEvent([15]), scoredEvent([15])];
    const plan = planLeadEmissions(leadId, stored(totals(4), 7), totals(4), events, scoredAt);

    expect(plan.emissions.map((e) => e && [e.version, e.event_id, e.previous_total, e.scores.total])).toEqual(
      [[8, events[0].eventId, 4, 21], null, [9, events[2].eventId, 21, 36], [10, events[3].eventId, 36, 51]],
    );
    expect(plan.emissions[3]).toEqual({
      lead_id: leadId,
      version: 10,
      scores: totals(51),
      previous_total: 36,
      tier: 'warm',
      previous_tier: 'cold',
      tier_changed: true,
      reason: 'event',
      event_id: events[3].eventId,
      points_applied: 15,
      scored_at: scoredAt.toISOString(),
      intent: { primary_intent: null, intent_confidence: null, intent_summary: NO_INTENT, conflict: false },
    });
    expect(plan.final).toEqual({ totals: totals(51), tier: 'warm', version: 10, intent: NO_INTENT });
  });

  it('emits for the first event when expired points changed the totals, and not again after', () => {
    const events = [scoredEvent([]), scoredEvent([])];
    const plan = planLeadEmissions(leadId, stored(totals(15, 30), 3), totals(0, 30), events, scoredAt);
    expect(
      plan.emissions.map((e) => e && [e.version, e.previous_total, e.scores.total, e.points_applied]),
    ).toEqual([[4, 45, 30, 0], null]);
    expect(plan.final).toEqual({ totals: totals(0, 30), tier: 'cold', version: 4, intent: NO_INTENT });
  });

  it('always emits for a new lead, and for a zero-point rule that applied', () => {
    const events = [scoredEvent([], true), scoredEvent([0])];
    const plan = planLeadEmissions(leadId, stored(totals(0), 0), totals(0), events, scoredAt);
    expect(plan.emissions.map((e) => e && [e.version, e.points_applied, e.tier])).toEqual([
      [1, 0, 'cold'],
      [2, 0, 'cold'],
    ]);
  });

  it('keeps the stored score when nothing emits', () => {
    const plan = planLeadEmissions(leadId, stored(totals(6), 2), totals(6), [scoredEvent([])], scoredAt);
    expect(plan).toEqual({ emissions: [null], final: stored(totals(6), 2) });
  });
});
