import {
  COMPARISON_OPERATORS,
  type ComparisonOperator,
  type EventRuleConditions,
  type MetadataCondition,
} from './rule-conditions';

/** What a rule can look at in a recorded event. */
export interface MatchableEvent {
  event_type: string;
  metadata: Record<string, unknown>;
}

/**
 * True when an `event` rule's conditions hold for the event: the event type is equal, and every metadata
 * condition holds. A metadata condition is either a scalar (strict equality with the event's value) or an
 * object of `lt|lte|gt|gte` bounds that must all hold for a numeric value (a number, or a string that is
 * a plain decimal number, since producers often send numbers as strings). A missing key never matches.
 */
export function matchesEventRule(conditions: EventRuleConditions, event: MatchableEvent): boolean {
  if (conditions.event_type !== event.event_type) return false;
  for (const [key, condition] of Object.entries(conditions.metadata ?? {})) {
    if (!Object.prototype.hasOwnProperty.call(event.metadata, key)) return false;
    if (!metadataConditionHolds(condition, event.metadata[key])) return false;
  }
  return true;
}

function metadataConditionHolds(condition: MetadataCondition, actual: unknown): boolean {
  if (condition === null || typeof condition !== 'object') return actual === condition;
  const bounds = Object.entries(condition) as [string, unknown][];
  // An empty or unknown operator object is a malformed rule: it matches nothing rather than everything.
  if (bounds.length === 0) return false;
  const value = toNumber(actual);
  if (value === undefined) return false;
  return bounds.every(([operator, bound]) => {
    if (!isComparisonOperator(operator) || typeof bound !== 'number' || !Number.isFinite(bound)) return false;
    return compare(operator, value, bound);
  });
}

function compare(operator: ComparisonOperator, value: number, bound: number): boolean {
  switch (operator) {
    case 'lt':
      return value < bound;
    case 'lte':
      return value <= bound;
    case 'gt':
      return value > bound;
    case 'gte':
      return value >= bound;
  }
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

function toNumber(actual: unknown): number | undefined {
  if (typeof actual === 'number') return Number.isFinite(actual) ? actual : undefined;
  if (typeof actual === 'string' && DECIMAL.test(actual.trim())) return Number(actual.trim());
  return undefined;
}

function isComparisonOperator(operator: string): operator is ComparisonOperator {
  return (COMPARISON_OPERATORS as readonly string[]).includes(operator);
}
