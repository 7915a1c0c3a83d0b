import type { ScoreTotals } from '@crm/contracts';

export function sameTotals(a: ScoreTotals, b: ScoreTotals): boolean {
  return (
    a.demographic === b.demographic &&
    a.engagement === b.engagement &&
    a.behavior === b.behavior &&
    a.total === b.total
  );
}
