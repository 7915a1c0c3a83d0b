import { DEFAULT_ROUTING_CONFIG, effectiveConfig, withUpdate } from './routing-config';
import {
  daysInPool,
  decide,
  hasIntentConflict,
  pickByCapacity,
  pickRoundRobin,
  regionOfEmail,
  type Candidate,
  type RoutingFacts,
} from './routing.rules';

const NOW = new Date('2026-12-03T10:00:00Z');
const lead = (overrides: Partial<RoutingFacts> = {}): RoutingFacts => ({
  routingStatus: 'unrouted',
  totalScore: 94,
  primaryIntent: 'b2b',
  intentConfidence: 100,
  intentSummary: { research: 0, b2b: 110, co_creation: 0 },
  createdAt: NOW,
  ...overrides,
});
const member = (id: string, overrides: Partial<Candidate> = {}): Candidate => ({
  id,
  email: `${id}@dna-me.example`,
  region: null,
  maxLeads: 10,
  openDeals: 0,
  lastAssignedAt: null,
  ...overrides,
});

describe('routing rules', () => {
  it('maps email domains to regions: .de/.at/.ch and uni- are DACH, .uk is UK, others none', () => {
    expect(regionOfEmail('a@lab.de')).toBe('DACH');
    expect(regionOfEmail('a@lab.AT')).toBe('DACH');
    expect(regionOfEmail('a@biotech.ch')).toBe('DACH');
    expect(regionOfEmail('a@uni-heidelberg.eu')).toBe('DACH');
    expect(regionOfEmail('a@med.uni-muenchen.org')).toBe('DACH');
    expect(regionOfEmail('a@lab.co.uk')).toBe('UK');
    expect(regionOfEmail('a@lab.com')).toBeNull();
    expect(regionOfEmail('a@deutsch.com')).toBeNull();
    expect(regionOfEmail(null)).toBeNull();
  });

  it('finds a conflict when the runner-up has points within the margin', () => {
    expect(hasIntentConflict({ research: 50, b2b: 64, co_creation: 0 }, 15)).toBe(true);
    expect(hasIntentConflict({ research: 50, b2b: 65, co_creation: 0 }, 15)).toBe(false);
    expect(hasIntentConflict({ research: 0, b2b: 10, co_creation: 0 }, 15)).toBe(false);
    expect(hasIntentConflict({ research: 20, b2b: 20, co_creation: 0 }, 15)).toBe(true);
  });

  it('decides: routed leads and leads in review are skipped, the gate, conflict, confidence, the 14-day pool', () => {
    const config = DEFAULT_ROUTING_CONFIG;
    expect(decide(lead(), config, NOW)).toEqual({ action: 'route', intent: 'b2b' });
    expect(decide(lead({ routingStatus: 'routed' }), config, NOW)).toEqual({
      action: 'skip',
      reason: 'already_routed',
    });
    expect(decide(lead({ routingStatus: 'manual_review' }), config, NOW)).toMatchObject({ action: 'skip' });
    expect(decide(lead({ totalScore: 39 }), config, NOW)).toEqual({
      action: 'skip',
      reason: 'score_below_threshold',
    });
    expect(decide(lead({ totalScore: 40 }), config, NOW)).toMatchObject({ action: 'route' });
    expect(decide(lead({ intentSummary: { research: 50, b2b: 60, co_creation: 0 } }), config, NOW)).toEqual({
      action: 'manual_review',
      reason: 'intent_conflict',
    });
    expect(decide(lead({ intentConfidence: 59 }), config, NOW)).toEqual({
      action: 'wait',
      reason: 'insufficient_confidence',
    });
    expect(decide(lead({ primaryIntent: null, intentConfidence: null }), config, NOW)).toMatchObject({
      action: 'wait',
    });
    const old = new Date(NOW.getTime() - 14 * 24 * 3600 * 1000);
    expect(decide(lead({ intentConfidence: 59, createdAt: old }), config, NOW)).toEqual({
      action: 'manual_review',
      reason: 'stuck_in_pool',
    });
    expect(daysInPool(old, NOW)).toBe(14);
  });

  it('round robin: region first when someone there has room, fewest open deals, then the longest since a lead', () => {
    const a = member('a', { region: 'DACH', openDeals: 2 });
    const b = member('b', { region: 'DACH', openDeals: 1, lastAssignedAt: new Date('2026-12-03T09:00:00Z') });
    const c = member('c', { region: 'DACH', openDeals: 1, lastAssignedAt: new Date('2026-12-03T08:00:00Z') });
    const uk = member('uk', { region: 'UK', openDeals: 0 });
    expect(pickRoundRobin([a, b, c, uk], 'DACH')?.id).toBe('c');
    expect(pickRoundRobin([a, b, c, uk], 'UK')?.id).toBe('uk');
    expect(pickRoundRobin([a, b, c, uk], null)?.id).toBe('uk');
    // No room in the region: anyone with room.
    expect(pickRoundRobin([a, { ...uk, openDeals: 10 }], 'UK')?.id).toBe('a');
    expect(pickRoundRobin([{ ...a, maxLeads: 2 }], 'DACH')).toBeNull();
  });

  it('capacity: the lowest share of open to max deals, then the most free slots; full members never', () => {
    const small = member('small', { maxLeads: 2, openDeals: 1 });
    const large = member('large', { maxLeads: 10, openDeals: 4 });
    expect(pickByCapacity([small, large])?.id).toBe('large');
    expect(pickByCapacity([member('x', { maxLeads: 1 }), member('y', { maxLeads: 3 })])?.id).toBe('y');
    expect(pickByCapacity([{ ...small, openDeals: 2 }])).toBeNull();
    expect(pickByCapacity([member('z', { maxLeads: 0 })])).toBeNull();
  });

  it('config: a partial update keeps the rest; nested maps merge key by key', () => {
    const stored = withUpdate({}, { min_score_threshold: 30, intent_to_pipeline: { b2b: 'research-lab' } });
    const config = effectiveConfig(stored);
    expect(config.min_score_threshold).toBe(30);
    expect(config.intent_to_pipeline).toEqual({
      research: 'research-lab',
      b2b: 'research-lab',
      co_creation: 'panel-co-creation',
    });
    const again = effectiveConfig(
      withUpdate(stored, { owner_assignment: { b2b: { role: 'bdr', strategy: 'round_robin' } } }),
    );
    expect(again.min_score_threshold).toBe(30);
    expect(again.owner_assignment.b2b).toEqual({ role: 'bdr', strategy: 'round_robin' });
    expect(again.owner_assignment.research).toEqual(DEFAULT_ROUTING_CONFIG.owner_assignment.research);
  });
});
