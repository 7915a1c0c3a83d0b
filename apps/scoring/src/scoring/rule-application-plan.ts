import type { ScoringRule } from '../rules/scoring-rule.entity';
import type { NewLedgerEntry } from './score-ledger.repository';
import { expiresAtFor, isCapReached, ROLLING_DAY_MS, type PriorApplications } from './cap-policy';

/** What planning needs of a rule. */
export type ApplicableRule = Pick<
  ScoringRule,
  'id' | 'slug' | 'version' | 'category' | 'points' | 'maxPerDay' | 'maxPerLead' | 'decayDays'
>;

/** One event of a batch with the live rules that match it, in the order they apply. */
export interface EventToPlan {
  eventId: string;
  leadId: string;
  occurredAt: Date;
  matchingRules: ApplicableRule[];
}

/** What the ledger must be asked so the batch's caps can be decided in memory. */
export interface CapHistoryRequest {
  /** (lead, rule) pairs whose rule has `max_per_lead`: count every application. */
  lifetimePairs: { leadId: string; ruleId: string }[];
  /**
   * Event times of applications strictly inside (after, before), per (lead, rule) pair whose rule has
   * `max_per_day`: the union of (t − 24 h, t + 24 h) over the batch's events t, merged where they overlap.
   */
  windows: { leadId: string; ruleId: string; after: Date; before: Date }[];
  /** Every (event, rule) pair of the batch: which ones the ledger already holds. */
  eventRules: { eventId: string; ruleId: string }[];
}

/** The ledger's answer to a CapHistoryRequest, read under the leads' locks. */
export interface CapHistory {
  lifetimeCounts: { leadId: string; ruleId: string; count: number }[];
  applicationTimes: { leadId: string; ruleId: string; occurredAt: Date }[];
  appliedEventRules: { eventId: string; ruleId: string }[];
}

export type PlannedApplication =
  | { rule: ApplicableRule; decision: 'capped' | 'already_applied' }
  /** A new ledger row; `alreadyExpired` when its points ran out before we saw the event. */
  | { rule: ApplicableRule; decision: 'apply'; expiresAt: Date | null; alreadyExpired: boolean };

/** The history the caps of these events need: one request for the whole batch. */
export function capHistoryRequestFor(events: EventToPlan[]): CapHistoryRequest {
  const lifetimePairs = new Map<string, { leadId: string; ruleId: string }>();
  const eventTimesPerPair = new Map<string, { leadId: string; ruleId: string; times: number[] }>();
  const eventRules: CapHistoryRequest['eventRules'] = [];
  for (const { eventId, leadId, occurredAt, matchingRules } of events) {
    for (const rule of matchingRules) {
      eventRules.push({ eventId, ruleId: rule.id });
      const key = pairKey(leadId, rule.id);
      if (rule.maxPerLead !== null) lifetimePairs.set(key, { leadId, ruleId: rule.id });
      if (rule.maxPerDay !== null) {
        const pair = eventTimesPerPair.get(key) ?? { leadId, ruleId: rule.id, times: [] };
        pair.times.push(occurredAt.getTime());
        eventTimesPerPair.set(key, pair);
      }
    }
  }
  const windows = [...eventTimesPerPair.values()].flatMap(({ leadId, ruleId, times }) =>
    mergedWindows(times).map(({ after, before }) => ({
      leadId,
      ruleId,
      after: new Date(after),
      before: new Date(before),
    })),
  );
  return { lifetimePairs: [...lifetimePairs.values()], windows, eventRules };
}

/**
 * Decides every (event, rule) of a batch IN THE ORDER GIVEN, exactly as scoring the events one after the other
 * would: each decision sees the ledger history plus the applications decided before it in the batch. Caps are
 * the ones of cap-policy (by event time); an (event, rule) already in the ledger or earlier in the batch is not
 * applied again. `now` decides which new rows are born expired.
 */
export function planRuleApplications(
  events: EventToPlan[],
  history: CapHistory,
  now: Date,
): PlannedApplication[][] {
  const lifetimeCounts = new Map<string, number>();
  for (const { leadId, ruleId, count } of history.lifetimeCounts)
    lifetimeCounts.set(pairKey(leadId, ruleId), count);
  const applicationTimes = new Map<string, number[]>();
  for (const { leadId, ruleId, occurredAt } of history.applicationTimes) {
    const key = pairKey(leadId, ruleId);
    const times = applicationTimes.get(key) ?? [];
    times.push(occurredAt.getTime());
    applicationTimes.set(key, times);
  }
  const applied = new Set(history.appliedEventRules.map((a) => eventRuleKey(a.eventId, a.ruleId)));

  return events.map(({ eventId, leadId, occurredAt, matchingRules }) =>
    matchingRules.map((rule): PlannedApplication => {
      const pair = pairKey(leadId, rule.id);
      const t = occurredAt.getTime();
      const times = applicationTimes.get(pair) ?? [];
      const prior: PriorApplications = {
        lifetimeCount: lifetimeCounts.get(pair) ?? 0,
        nearbyOccurredAt: times
          .filter((time) => time > t - ROLLING_DAY_MS && time < t + ROLLING_DAY_MS)
          .map((time) => new Date(time)),
      };
      if (isCapReached(rule, prior, occurredAt)) return { rule, decision: 'capped' };
      const key = eventRuleKey(eventId, rule.id);
      if (applied.has(key)) return { rule, decision: 'already_applied' };

      applied.add(key);
      if (rule.maxPerLead !== null) lifetimeCounts.set(pair, prior.lifetimeCount + 1);
      if (rule.maxPerDay !== null) applicationTimes.set(pair, [...times, t]);
      const expiresAt = expiresAtFor(occurredAt, rule.decayDays);
      // An old event still uses up its cap, but its points ran out before we saw it: they never count.
      const alreadyExpired = expiresAt !== null && expiresAt.getTime() <= now.getTime();
      return { rule, decision: 'apply', expiresAt, alreadyExpired };
    }),
  );
}

/** (t − 24 h, t + 24 h) per event time, overlapping ones merged; bounds in epoch ms, both exclusive. */
function mergedWindows(times: number[]): { after: number; before: number }[] {
  const windows: { after: number; before: number }[] = [];
  for (const t of [...times].sort((a, b) => a - b)) {
    const last = windows[windows.length - 1];
    if (last && t - ROLLING_DAY_MS <= last.before) last.before = t + ROLLING_DAY_MS;
    else windows.push({ after: t - ROLLING_DAY_MS, before: t + ROLLING_DAY_MS });
  }
  return windows;
}

function pairKey(leadId: string, ruleId: string): string {
  return `${leadId}/${ruleId}`;
}

export function eventRuleKey(eventId: string, ruleId: string): string {
  return `${eventId}/${ruleId}`;
}

/** The cap history of leads without any ledger row (a replay starts from scratch). */
export const NO_CAP_HISTORY: CapHistory = { lifetimeCounts: [], applicationTimes: [], appliedEventRules: [] };

/** The ledger rows of one event's planned applications (those decided `apply`). */
export function ledgerEntriesOf(
  plan: EventToPlan,
  applications: PlannedApplication[],
  now: Date,
): NewLedgerEntry[] {
  return applications.flatMap((application) =>
    application.decision === 'apply'
      ? [
          {
            leadId: plan.leadId,
            eventId: plan.eventId,
            ruleId: application.rule.id,
            ruleSlug: application.rule.slug,
            ruleVersion: application.rule.version,
            category: application.rule.category,
            points: application.rule.points,
            occurredAt: plan.occurredAt,
            expiresAt: application.expiresAt,
            expired: application.alreadyExpired,
            expiredAt: application.alreadyExpired ? now : null,
            reason: 'event' as const,
          },
        ]
      : [],
  );
}
