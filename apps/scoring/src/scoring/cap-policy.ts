export const ROLLING_DAY_MS = 24 * 60 * 60 * 1000;

export interface RuleCaps {
  maxPerDay: number | null;
  maxPerLead: number | null;
}

/** What the ledger already holds for one (lead, rule), read under the lead's lock. */
export interface PriorApplications {
  /** Every application of the rule to the lead, expired or not. */
  lifetimeCount: number;
  /** Event times of the applications with occurred_at in (t − 24 h, t + 24 h), t = the event being scored. */
  nearbyOccurredAt: Date[];
}

/**
 * Whether one more application at event time `occurredAt` would break a cap.
 *
 * `max_per_lead` counts every application ever. `max_per_day` is a rolling 24 h cap by event time: no window
 * (e − 24 h, e] may hold more than `maxPerDay` applications. When events arrive in time order this is exactly
 * "fewer than maxPerDay applications in (t − 24 h, t]"; checking the windows that end at later applications too
 * keeps the cap true when an older event arrives after newer ones (redelivery, concurrent producers). It is
 * enough to check the windows ending at t and at each later application inside (t, t + 24 h): any window
 * containing t holds no more applications than the one ending at its latest application (or at t).
 */
export function isCapReached(caps: RuleCaps, prior: PriorApplications, occurredAt: Date): boolean {
  if (caps.maxPerLead !== null && prior.lifetimeCount >= caps.maxPerLead) return true;
  if (caps.maxPerDay === null) return false;
  const t = occurredAt.getTime();
  const times = prior.nearbyOccurredAt.map((d) => d.getTime());
  const windowEnds = [t, ...times.filter((time) => time > t && time < t + ROLLING_DAY_MS)];
  return windowEnds.some((end) => {
    const inWindow = times.filter((time) => time > end - ROLLING_DAY_MS && time <= end).length;
    return inWindow + 1 > caps.maxPerDay!;
  });
}

/** occurred_at + decay_days; null when the rule's points are permanent. */
export function expiresAtFor(occurredAt: Date, decayDays: number | null): Date | null {
  if (decayDays === null) return null;
  return new Date(occurredAt.getTime() + decayDays * ROLLING_DAY_MS);
}
