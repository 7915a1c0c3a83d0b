import type { LeadScoredV1 } from '@crm/contracts';

/**
 * The score to apply per lead from a batch: the highest version. Versions only grow in scoring, so an older
 * one in the same batch would be overwritten anyway, and the store's guard keeps stored newer versions.
 * On equal versions (a re-published score) the first wins.
 */
export function newestScorePerLead(scores: readonly LeadScoredV1[]): LeadScoredV1[] {
  const newest = new Map<string, LeadScoredV1>();
  for (const score of scores) {
    const held = newest.get(score.lead_id);
    if (!held || score.version > held.version) newest.set(score.lead_id, score);
  }
  return [...newest.values()];
}

export interface EventPoints {
  leadId: string;
  eventId: string;
  points: number;
}

/**
 * The points each scored event got. They never change with later versions, so they are recorded whatever
 * the order; scores for other reasons (profile, expiry) carry no event.
 */
export function eventPointsOf(scores: readonly LeadScoredV1[]): EventPoints[] {
  const points = new Map<string, EventPoints>();
  for (const score of scores) {
    if (score.reason !== 'event' || !score.event_id) continue;
    const key = `${score.lead_id}:${score.event_id}`;
    if (!points.has(key))
      points.set(key, { leadId: score.lead_id, eventId: score.event_id, points: score.points_applied });
  }
  return [...points.values()];
}
