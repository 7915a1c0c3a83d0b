import type { TriggerConditions } from './trigger-validation';

/** What conditions are evaluated against: the deal and lead as they were when the deal moved. */
export interface ConditionFacts {
  dealValue: number | null;
  leadIntent: string | null;
  leadSource: string | null;
  fromStageId: string | null;
}

/**
 * Every key present must match (api.md §9). An empty list restricts nothing (the UI sends `[]` for "any");
 * a value bound on a deal without a value does not match.
 */
export function matchesConditions(conditions: TriggerConditions, facts: ConditionFacts): boolean {
  if (
    conditions.min_value !== undefined &&
    (facts.dealValue === null || facts.dealValue < conditions.min_value)
  ) {
    return false;
  }
  if (
    conditions.max_value !== undefined &&
    (facts.dealValue === null || facts.dealValue > conditions.max_value)
  ) {
    return false;
  }
  return (
    inList(conditions.intents, facts.leadIntent) &&
    inList(conditions.sources, facts.leadSource) &&
    inList(conditions.from_stage_ids, facts.fromStageId)
  );
}

function inList(list: string[] | undefined, value: string | null): boolean {
  if (!list || list.length === 0) return true;
  return value !== null && list.includes(value);
}
