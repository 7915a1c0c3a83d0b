import type { DealStatus, StageType } from '@crm/contracts';

/** Deal rules that need no database, kept pure for unit tests. */

/** Entering a `closed_won`/`closed_lost` stage closes the deal (api.md §8); every other stage is open. */
export function statusForStage(stageType: StageType | null): DealStatus {
  if (stageType === 'closed_won') return 'won';
  if (stageType === 'closed_lost') return 'lost';
  return 'open';
}

/** `"<first> <last> - <pipeline name>"`, falling back to the email, then to a neutral label. */
export function defaultDealName(
  lead: { firstName: string | null; lastName: string | null; email: string | null },
  pipelineName: string,
): string {
  const person =
    [lead.firstName, lead.lastName].filter((p) => p && p.trim()).join(' ') || lead.email || 'Unnamed lead';
  return `${person} - ${pipelineName}`.slice(0, 255);
}

/** Whole seconds between entering a stage and leaving it (never negative, whatever the clocks say). */
export function secondsInStage(enteredAt: Date, leftAt: Date): number {
  return Math.max(0, Math.floor((leftAt.getTime() - enteredAt.getTime()) / 1000));
}

/**
 * `expected_close_date` is a date; a datetime is accepted and reduced to its UTC date (api.md §1.1).
 * Returns null for an impossible date such as 2025-02-30.
 */
export function toCloseDate(input: string): string | null {
  const date = input.length === 10 ? new Date(`${input}T00:00:00Z`) : new Date(input);
  if (Number.isNaN(date.getTime())) return null;
  const day = date.toISOString().slice(0, 10);
  return input.length === 10 && day !== input ? null : day;
}
