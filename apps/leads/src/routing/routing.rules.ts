import type { Intent, RoutingConfigView, RoutingTarget } from '@crm/contracts';

export interface IntentPoints {
  research: number;
  b2b: number;
  co_creation: number;
}

/** What routing reads of a lead to decide. */
export interface RoutingFacts {
  routingStatus: string;
  totalScore: number;
  primaryIntent: Intent | null;
  intentConfidence: number | null;
  intentSummary: IntentPoints;
  createdAt: Date;
}

export type GateDecision =
  | { action: 'route'; intent: Intent }
  | { action: 'manual_review'; reason: 'intent_conflict' | 'stuck_in_pool' }
  | { action: 'skip'; reason: 'already_routed' | 'in_manual_review' | 'score_below_threshold' }
  | { action: 'wait'; reason: 'insufficient_confidence' };

const DAY_MS = 24 * 3600 * 1000;

/** Whole days since the lead entered the pool (its creation). */
export function daysInPool(createdAt: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - createdAt.getTime()) / DAY_MS));
}

/** product.md: the runner-up has points and is within the margin of the primary intent. */
export function hasIntentConflict(summary: IntentPoints, margin: number): boolean {
  const [first, second] = Object.values(summary).sort((a, b) => b - a);
  return second > 0 && first - second < margin;
}

/**
 * The automatic routing decision (api.md §11): routed leads stay where they are; below the score gate the lead
 * is skipped; a conflict goes to manual review; a lead without a confident intent waits in the pool, until it
 * has waited `max_unrouted_days` and goes to manual review.
 */
export function decide(lead: RoutingFacts, config: RoutingConfigView, now: Date): GateDecision {
  if (lead.routingStatus === 'routed') return { action: 'skip', reason: 'already_routed' };
  if (lead.routingStatus === 'manual_review') return { action: 'skip', reason: 'in_manual_review' };
  if (lead.totalScore < config.min_score_threshold)
    return { action: 'skip', reason: 'score_below_threshold' };
  if (hasIntentConflict(lead.intentSummary, config.intent_confidence_margin)) {
    return { action: 'manual_review', reason: 'intent_conflict' };
  }
  if (lead.primaryIntent && (lead.intentConfidence ?? 0) >= config.min_intent_confidence) {
    return { action: 'route', intent: lead.primaryIntent };
  }
  if (daysInPool(lead.createdAt, now) >= config.max_unrouted_days) {
    return { action: 'manual_review', reason: 'stuck_in_pool' };
  }
  return { action: 'wait', reason: 'insufficient_confidence' };
}

/** product.md: .de/.at/.ch and uni- domains are DACH, .uk is UK; anything else has no region. */
export function regionOfEmail(email: string | null): string | null {
  const domain = email?.split('@')[1]?.toLowerCase();
  if (!domain) return null;
  if (/\.(de|at|ch)$/.test(domain) || domain.startsWith('uni-') || domain.includes('.uni-')) return 'DACH';
  if (domain.endsWith('.uk')) return 'UK';
  return null;
}

/** The owner assignment key of a pipeline routing targets. */
export function targetOfIntent(intent: Intent | null): RoutingTarget {
  return intent ?? 'discovery';
}

export interface Candidate {
  id: string;
  email: string;
  region: string | null;
  maxLeads: number;
  openDeals: number;
  lastAssignedAt: Date | null;
}

const hasRoom = (c: Candidate) => c.openDeals < c.maxLeads;
const turnOrder = (a: Candidate, b: Candidate) =>
  (a.lastAssignedAt?.getTime() ?? 0) - (b.lastAssignedAt?.getTime() ?? 0) || a.id.localeCompare(b.id);

/**
 * Round robin among the least loaded: of the members with room (those of the lead's region first, when asked),
 * the ones with the fewest open deals, and of those the one whose last assignment is oldest.
 */
export function pickRoundRobin(candidates: Candidate[], region: string | null): Candidate | null {
  const withRoom = candidates.filter(hasRoom);
  const local = region ? withRoom.filter((c) => c.region?.toUpperCase() === region) : [];
  const pool = local.length ? local : withRoom;
  if (!pool.length) return null;
  const least = Math.min(...pool.map((c) => c.openDeals));
  return pool.filter((c) => c.openDeals === least).sort(turnOrder)[0];
}

/** By capacity: the lowest share of open deals to max open deals, then the most free slots, then in turn. */
export function pickByCapacity(candidates: Candidate[]): Candidate | null {
  const withRoom = candidates.filter(hasRoom);
  const share = (c: Candidate) => c.openDeals / c.maxLeads;
  // filter() made a copy: sorting it leaves the caller's order alone.
  return (
    withRoom.sort(
      (a, b) =>
        share(a) - share(b) || b.maxLeads - b.openDeals - (a.maxLeads - a.openDeals) || turnOrder(a, b),
    )[0] ?? null
  );
}

/**
 * The owners of one routing batch: candidates per role as locked and counted at its start; each pick takes a
 * slot and a turn in memory, so the leads of one batch share out exactly as if routed one after another.
 */
export class OwnerPool {
  private readonly touched = new Map<string, Candidate>();
  private clock: number;

  constructor(
    private readonly candidatesOf: ReadonlyMap<string, Candidate[]>,
    now: Date,
  ) {
    this.clock = now.getTime();
  }

  pick(role: string, strategy: 'round_robin' | 'capacity', region: string | null): Candidate | null {
    const candidates = this.candidatesOf.get(role) ?? [];
    const owner =
      strategy === 'round_robin' ? pickRoundRobin(candidates, region) : pickByCapacity(candidates);
    if (!owner) return null;
    owner.openDeals += 1;
    // A millisecond apart: later picks of the batch are later turns.
    owner.lastAssignedAt = new Date(this.clock++);
    this.touched.set(owner.id, owner);
    return owner;
  }

  /** The members picked, with their last turn, to store. */
  turns(): { memberId: string; at: Date }[] {
    return [...this.touched.values()].map((c) => ({ memberId: c.id, at: c.lastAssignedAt! }));
  }
}
