import type { ScoreTier } from '@crm/contracts';

/** Lower bounds of the tiers (api.md §10): cold 0–39, warm 40–79, hot 80–119, very_hot ≥ 120. */
export const TIER_THRESHOLDS = { warm: 40, hot: 80, very_hot: 120 } as const;

/** The tier of a total; a negative total is cold. */
export function tierFor(total: number): ScoreTier {
  if (total >= TIER_THRESHOLDS.very_hot) return 'very_hot';
  if (total >= TIER_THRESHOLDS.hot) return 'hot';
  if (total >= TIER_THRESHOLDS.warm) return 'warm';
  return 'cold';
}
