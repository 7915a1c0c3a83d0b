import { SCORE_TIER_MINIMUMS, type ScoreTier } from '@crm/contracts';

/** The tier of a total (api.md §10); a negative total is cold. */
export function tierFor(total: number): ScoreTier {
  if (total >= SCORE_TIER_MINIMUMS.very_hot) return 'very_hot';
  if (total >= SCORE_TIER_MINIMUMS.hot) return 'hot';
  if (total >= SCORE_TIER_MINIMUMS.warm) return 'warm';
  return 'cold';
}
