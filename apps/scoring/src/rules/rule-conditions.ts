/** The shapes of `scoring_rules.conditions` per `rule_type` (api.md §10). */
export const RULE_TYPES = ['event', 'field', 'threshold'] as const;
export type RuleType = (typeof RULE_TYPES)[number];

export const COMPARISON_OPERATORS = ['lt', 'lte', 'gt', 'gte'] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/** A metadata condition: equality with a JSON scalar, or numeric comparisons that must all hold. */
export type MetadataCondition =
  string | number | boolean | null | Partial<Record<ComparisonOperator, number>>;

export interface EventRuleConditions {
  event_type: string;
  metadata?: Record<string, MetadataCondition>;
}

export const FIELD_OPERATORS = [
  'equals',
  'in',
  'contains',
  'not_contains',
  'pattern',
  'not_pattern',
  'gte',
  'lte',
] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];

/** Fit rule on a lead or organization field (evaluated from the next issue on). */
export interface FieldRuleConditions {
  field: string;
  operator: FieldOperator;
  value: string | number | string[];
}

/** Awarded once when the lead's count of `event_type` reaches `count_gte` (inside `within_days`). Not evaluated yet. */
export interface ThresholdRuleConditions {
  event_type: string;
  count_gte: number;
  within_days?: number;
}

export type RuleConditions = EventRuleConditions | FieldRuleConditions | ThresholdRuleConditions;
