import type { LeadScoredV1 } from '@crm/contracts';
import { eventPointsOf, newestScorePerLead } from './lead-score.rules';

function score(leadId: string, version: number, overrides: Partial<LeadScoredV1> = {}): LeadScoredV1 {
  return {
    lead_id: leadId,
    version,
    scores: { demographic: 0, engagement: version, behavior: 0, total: version },
    previous_total: 0,
    tier: 'cold',
    previous_tier: 'cold',
    tier_changed: false,
    reason: 'event',
    event_id: `e-${leadId}-${version}`,
    points_applied: version,
    scored_at: '2025-01-01T00:00:00Z',
    ...overrides,
  };
}

describe('newestScorePerLead', () => {
  it('keeps the highest version of each lead, whatever the delivery order', () => {
    const newest = newestScorePerLead([score('a', 2), score('b', 1), score('a', 5), score('a', 3)]);
    expect(newest.map((s) => [s.lead_id, s.version])).toEqual([
      ['a', 5],
      ['b', 1],
    ]);
  });

  it('keeps the first of equal versions (a re-published score)', () => {
    const first = score('a', 2, { scored_at: '2025-01-01T00:00:00Z' });
    const again = score('a', 2, { scored_at: '2025-01-02T00:00:00Z' });
    expect(newestScorePerLead([first, again])).toEqual([first]);
  });
});

describe('eventPointsOf', () => {
  it('records the points of every scored event once, and none for scores without an event', () => {
    const points = eventPointsOf([
      score('a', 1),
      score('a', 1),
      score('a', 2, { reason: 'expiry', event_id: null }),
      score('b', 3),
    ]);
    expect(points).toEqual([
      { leadId: 'a', eventId: 'e-a-1', points: 1 },
      { leadId: 'b', eventId: 'e-b-3', points: 3 },
    ]);
  });
});
