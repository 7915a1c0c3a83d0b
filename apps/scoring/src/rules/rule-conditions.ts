import type { ComparisonOperator, FieldOperator } from '@crm/contracts';

export { COMPARISON_OPERATORS, FIELD_OPERATORS, SCORING_RULE_TYPES as RULE_TYPES } from '@crm/contracts';
export type { ComparisonOperator, FieldOperator, ScoringRuleType as RuleType } from '@crm/contracts';

/** The shapes of `scoring_rules.conditions` per `rule_type` (api.md §10); rule-definition.ts checks them. */

/** A metadata condition: equality with a JSON scalar, or numeric comparisons that must all hold. */
export type MetadataCondition =
  string | number | boolean | null | Partial<Record<ComparisonOperator, number>>;

export interface EventRuleConditions {
  event_type: string;
  metadata?: Record<string, MetadataCondition>;
}

/** Fit rule on a lead or organization field. `contains`/`not_contains` take one string or a list (any of). */
export interface FieldRuleConditions {
  field: string;
  operator: FieldOperator;
  value: string | number | boolean | (string | number)[];
}

/** Awarded once when the lead's count of `event_type` reaches `count_gte` (inside `within_days`). Not evaluated yet. */
export interface ThresholdRuleConditions {
  event_type: string;
  count_gte: number;
  within_days?: number;
}

export type RuleConditions = EventRuleConditions | FieldRuleConditions | ThresholdRuleConditions;
