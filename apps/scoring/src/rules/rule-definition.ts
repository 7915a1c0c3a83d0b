import { RE2JS } from 're2js';
import isSafeRegex from 'safe-regex2';
import type { ValidationIssue } from '@crm/contracts';
import { COMPARISON_OPERATORS, FIELD_OPERATORS, type FieldOperator, type RuleType } from './rule-conditions';

/** The lead and organization fields a fit rule may read (product.md, Leads and identity). */
export const FIT_RULE_FIELDS = [
  'email',
  'first_name',
  'last_name',
  'phone',
  'job_title',
  'status',
  'lifecycle_stage',
  'first_touch_source',
  'linkedin_url',
  'organization.name',
  'organization.domain',
  'organization.industry',
  'organization.company_size',
  'organization.country',
] as const;

export const MAX_PATTERN_LENGTH = 200;
const MAX_LIST_ITEMS = 100;
const MAX_TEXT_LENGTH = 255;
const MAX_METADATA_CONDITIONS = 20;

/**
 * A pattern as fit rules evaluate it: RE2 syntax (no backreferences or lookaround), case-insensitive, run by a
 * linear-time engine, so no pattern can make a consumer hang whatever it meets. Throws on a pattern that does
 * not compile; call checkRuleConditions first.
 */
export function compileRulePattern(pattern: string): RE2JS {
  return RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
}

/**
 * Every problem with a rule's `conditions` for its `rule_type` (api.md §10), as `details.validation_errors`
 * rows under `conditions.*`. Empty when the conditions are sound. Unknown keys are problems too: a typo in a
 * rule would otherwise be silently ignored and the rule would match more than its author meant.
 */
export function checkRuleConditions(ruleType: RuleType, conditions: unknown): ValidationIssue[] {
  if (!isPlainObject(conditions)) return [issue('conditions', 'must be an object', 'isObject')];
  switch (ruleType) {
    case 'event':
      return checkEventConditions(conditions);
    case 'field':
      return checkFieldConditions(conditions);
    case 'threshold':
      return checkThresholdConditions(conditions);
  }
}

/**
 * The caps and decay a fit rule may have: it applies once per lead and describes who the lead is, so a daily
 * cap or decay would never mean anything (`max_per_lead` may say 1, as the seeded rules do).
 */
export function checkFitRuleLimits(rule: {
  ruleType: RuleType;
  maxPerDay: number | null;
  maxPerLead: number | null;
  decayDays: number | null;
}): ValidationIssue[] {
  if (rule.ruleType !== 'field') return [];
  const issues: ValidationIssue[] = [];
  if (rule.maxPerDay !== null)
    issues.push(issue('max_per_day', 'fit rules apply once per lead; leave max_per_day null', 'isEmpty'));
  if (rule.maxPerLead !== null && rule.maxPerLead !== 1)
    issues.push(issue('max_per_lead', 'fit rules apply once per lead; max_per_lead is null or 1', 'max'));
  if (rule.decayDays !== null)
    issues.push(issue('decay_days', 'fit points do not decay; leave decay_days null', 'isEmpty'));
  return issues;
}

function checkEventConditions(conditions: Record<string, unknown>): ValidationIssue[] {
  const issues = [
    ...unknownKeys(conditions, ['event_type', 'metadata']),
    ...checkEventType(conditions.event_type),
  ];
  const metadata = conditions.metadata;
  if (metadata === undefined) return issues;
  if (!isPlainObject(metadata))
    return [...issues, issue('conditions.metadata', 'must be an object', 'isObject')];
  const entries = Object.entries(metadata);
  if (entries.length > MAX_METADATA_CONDITIONS) {
    issues.push(
      issue('conditions.metadata', `must have at most ${MAX_METADATA_CONDITIONS} conditions`, 'maxKeys'),
    );
  }
  for (const [key, condition] of entries) {
    const path = `conditions.metadata.${key}`;
    if (condition === null || ['string', 'number', 'boolean'].includes(typeof condition)) {
      if (typeof condition === 'number' && !Number.isFinite(condition))
        issues.push(issue(path, 'must be a finite number', 'isFinite'));
      continue;
    }
    if (!isPlainObject(condition)) {
      issues.push(
        issue(path, 'must be a JSON scalar or an object of lt|lte|gt|gte bounds', 'isMetadataCondition'),
      );
      continue;
    }
    const bounds = Object.entries(condition);
    if (!bounds.length) issues.push(issue(path, 'must name at least one of lt|lte|gt|gte', 'isNotEmpty'));
    for (const [operator, bound] of bounds) {
      if (!(COMPARISON_OPERATORS as readonly string[]).includes(operator)) {
        issues.push(
          issue(
            `${path}.${operator}`,
            `unknown operator; use one of ${COMPARISON_OPERATORS.join('|')}`,
            'isIn',
          ),
        );
      } else if (typeof bound !== 'number' || !Number.isFinite(bound)) {
        issues.push(issue(`${path}.${operator}`, 'must be a finite number', 'isNumber'));
      }
    }
  }
  return issues;
}

function checkFieldConditions(conditions: Record<string, unknown>): ValidationIssue[] {
  const issues = unknownKeys(conditions, ['field', 'operator', 'value']);
  const { field, operator, value } = conditions;
  if (typeof field !== 'string' || !(FIT_RULE_FIELDS as readonly string[]).includes(field)) {
    issues.push(issue('conditions.field', `must be one of ${FIT_RULE_FIELDS.join(', ')}`, 'isIn'));
  }
  if (typeof operator !== 'string' || !(FIELD_OPERATORS as readonly string[]).includes(operator)) {
    issues.push(issue('conditions.operator', `must be one of ${FIELD_OPERATORS.join('|')}`, 'isIn'));
    return issues;
  }
  return [...issues, ...checkFieldValue(operator as FieldOperator, value)];
}

function checkFieldValue(operator: FieldOperator, value: unknown): ValidationIssue[] {
  const path = 'conditions.value';
  switch (operator) {
    case 'equals':
      return isScalar(value) ? [] : [issue(path, 'must be a string, number or boolean', 'isScalar')];
    case 'in':
      if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LIST_ITEMS)
        return [issue(path, `must be a list of 1–${MAX_LIST_ITEMS} values`, 'isArray')];
      return value.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
        ? []
        : [issue(path, 'must list only strings or numbers', 'isArray')];
    case 'contains':
    case 'not_contains': {
      const texts = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(texts) || texts.length === 0 || texts.length > MAX_LIST_ITEMS)
        return [issue(path, `must be a text or a list of 1–${MAX_LIST_ITEMS} texts`, 'isText')];
      return texts.every((t) => typeof t === 'string' && t.length > 0 && t.length <= MAX_TEXT_LENGTH)
        ? []
        : [issue(path, `must hold only non-empty texts of at most ${MAX_TEXT_LENGTH} characters`, 'isText')];
    }
    case 'pattern':
    case 'not_pattern':
      return checkPattern(value);
    case 'gte':
    case 'lte':
      return typeof value === 'number' && Number.isFinite(value)
        ? []
        : [issue(path, 'must be a finite number', 'isNumber')];
  }
}

function checkPattern(value: unknown): ValidationIssue[] {
  const path = 'conditions.value';
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PATTERN_LENGTH) {
    return [issue(path, `must be a regular expression of 1–${MAX_PATTERN_LENGTH} characters`, 'isPattern')];
  }
  try {
    compileRulePattern(value);
  } catch (error) {
    return [
      issue(
        path,
        `does not compile (RE2 syntax, no backreferences or lookaround): ${(error as Error).message}`,
        'isPattern',
      ),
    ];
  }
  // RE2 runs in linear time anyway; nested quantifiers are still refused, as they only ever hide a mistake
  // and would backtrack catastrophically in any other engine the pattern is copied to.
  if (!isSafeRegex(value)) {
    return [
      issue(path, 'could backtrack catastrophically (nested quantifiers such as (a+)+)', 'isSafePattern'),
    ];
  }
  return [];
}

function checkThresholdConditions(conditions: Record<string, unknown>): ValidationIssue[] {
  const issues = [
    ...unknownKeys(conditions, ['event_type', 'count_gte', 'within_days']),
    ...checkEventType(conditions.event_type),
  ];
  if (!isIntegerIn(conditions.count_gte, 1, 10_000))
    issues.push(issue('conditions.count_gte', 'must be an integer from 1 to 10000', 'isInt'));
  if (conditions.within_days !== undefined && !isIntegerIn(conditions.within_days, 1, 3650))
    issues.push(issue('conditions.within_days', 'must be an integer from 1 to 3650', 'isInt'));
  return issues;
}

function checkEventType(eventType: unknown): ValidationIssue[] {
  return typeof eventType === 'string' && eventType.length >= 1 && eventType.length <= 100
    ? []
    : [issue('conditions.event_type', 'must be a text of 1–100 characters', 'isString')];
}

function unknownKeys(conditions: Record<string, unknown>, known: string[]): ValidationIssue[] {
  return Object.keys(conditions)
    .filter((key) => !known.includes(key))
    .map((key) =>
      issue(
        `conditions.${key}`,
        `is not a condition of this rule type (allowed: ${known.join(', ')})`,
        'unknownKey',
      ),
    );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function issue(path: string, message: string, code: string): ValidationIssue {
  return { path, message, code };
}
