import { expiresAtFor, isCapReached } from './cap-policy';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-10T12:00:00.000Z');
const at = (hours: number) => new Date(T0 + hours * HOUR);
const noPrior = { lifetimeCount: 0, nearbyOccurredAt: [] };

describe('isCapReached', () => {
  it('never caps a rule without caps', () => {
    const prior = { lifetimeCount: 10_000, nearbyOccurredAt: Array.from({ length: 500 }, () => at(0)) };
    expect(isCapReached({ maxPerDay: null, maxPerLead: null }, prior, at(0))).toBe(false);
  });

  describe('max_per_lead (lifetime)', () => {
    const caps = { maxPerDay: null, maxPerLead: 3 };
    it('allows applications below the cap and stops at it', () => {
      expect(isCapReached(caps, { ...noPrior, lifetimeCount: 2 }, at(0))).toBe(false);
      expect(isCapReached(caps, { ...noPrior, lifetimeCount: 3 }, at(0))).toBe(true);
    });
    it('"once" is a cap of 1', () => {
      expect(isCapReached({ maxPerDay: null, maxPerLead: 1 }, noPrior, at(0))).toBe(false);
      expect(isCapReached({ maxPerDay: null, maxPerLead: 1 }, { ...noPrior, lifetimeCount: 1 }, at(0))).toBe(
        true,
      );
    });
  });

  describe('max_per_day (rolling 24 h by event time)', () => {
    const caps = { maxPerDay: 3, maxPerLead: null };
    const prior = (hours: number[]) => ({ lifetimeCount: hours.length, nearbyOccurredAt: hours.map(at) });

    it('counts earlier applications in (t − 24 h, t]', () => {
      expect(isCapReached(caps, prior([-23, -1]), at(0))).toBe(false);
      expect(isCapReached(caps, prior([-23, -1, 0]), at(0))).toBe(true);
    });

    it('lets an application exactly 24 h later through (the window is open on the left)', () => {
      expect(isCapReached(caps, prior([-24, -24, -24]), at(0))).toBe(false);
      expect(isCapReached(caps, prior([-23.99, -24, -24]), at(0))).toBe(false);
    });

    it('after a full day, the next application counts against a fresh window', () => {
      expect(isCapReached(caps, prior([-25, -25, -25]), at(0))).toBe(false);
    });

    it('holds when an older event arrives after newer ones (windows ending after t count too)', () => {
      // Applications at +1 h and +2 h and +3 h already recorded; an event at t = 0 would make 4 in (−21 h, +3 h].
      expect(isCapReached(caps, prior([1, 2, 3]), at(0))).toBe(true);
      // Two later ones within a day plus one 23 h before: every window containing t would hold at most 3.
      expect(isCapReached(caps, prior([-23, 1]), at(0))).toBe(false);
      // Later applications more than 24 h away do not share a window with t.
      expect(isCapReached(caps, prior([24, 25, 30]), at(0))).toBe(false);
      // −20 h, +3 h, +5 h: the window (−19 h, +5 h] holds +3, +5 and t, and (−21 h, +3 h] holds −20, t, +3: 3 each.
      expect(isCapReached(caps, prior([-20, 3, 5]), at(0))).toBe(false);
      // Add +4.5 h: the window (−19 h, +5 h] would then hold t, +3, +4.5 and +5.
      expect(isCapReached(caps, prior([-20, 3, 4.5, 5]), at(0))).toBe(true);
    });
  });

  it('applies both caps: either one stops the application', () => {
    const caps = { maxPerDay: 2, maxPerLead: 5 };
    expect(isCapReached(caps, { lifetimeCount: 5, nearbyOccurredAt: [] }, at(0))).toBe(true);
    expect(isCapReached(caps, { lifetimeCount: 2, nearbyOccurredAt: [at(-1), at(-2)] }, at(0))).toBe(true);
    expect(isCapReached(caps, { lifetimeCount: 4, nearbyOccurredAt: [at(-1)] }, at(0))).toBe(false);
  });
});

describe('expiresAtFor', () => {
  it('is occurred_at plus decay_days, by event time', () => {
    expect(expiresAtFor(new Date('2026-01-31T23:30:00.000Z'), 30)?.toISOString()).toBe(
      '2026-03-02T23:30:00.000Z',
    );
    expect(expiresAtFor(new Date('2020-02-01T00:00:00+01:00'), 14)?.toISOString()).toBe(
      '2020-02-14T23:00:00.000Z',
    );
  });
  it('is null (permanent) without decay_days', () => {
    expect(expiresAtFor(new Date(T0), null)).toBeNull();
  });
});
