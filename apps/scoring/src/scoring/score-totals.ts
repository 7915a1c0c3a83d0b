import type { ScoreCategory, ScoreTotals } from '@crm/contracts';

export function sameTotals(a: ScoreTotals, b: ScoreTotals): boolean {
  return (
    a.demographic === b.demographic &&
    a.engagement === b.engagement &&
    a.behavior === b.behavior &&
    a.total === b.total
  );
}

export function zeroTotals(): ScoreTotals {
  return { demographic: 0, engagement: 0, behavior: 0, total: 0 };
}

/** New totals with `points` (negative to take them away) added to one category and the total. */
export function addPoints(totals: ScoreTotals, category: ScoreCategory, points: number): ScoreTotals {
  return { ...totals, [category]: totals[category] + points, total: totals.total + points };
}
