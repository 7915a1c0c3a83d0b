import type { LeadFitProfile } from '@crm/contracts';
import type { RE2JS } from 're2js';
import { compileRulePattern } from './rule-definition';
import type { FieldRuleConditions } from './rule-conditions';

/**
 * True when a fit (`field`) rule holds for a lead's profile (api.md §10). Text comparisons ignore case;
 * `contains` with a list holds when any item is contained, `not_contains` when none is; `gte`/`lte` read the
 * leading number of the value, so a company size of `51-200` counts as 51 and `1000+` as 1000.
 *
 * A field without a value matches nothing, negative operators included: a lead whose email is unknown is
 * not a "corporate email", and one without a title is not "not a student". A rule only awards points for
 * what the lead's data shows.
 */
export function matchesFieldRule(conditions: FieldRuleConditions, profile: LeadFitProfile): boolean {
  const actual = fieldValue(profile, conditions.field);
  if (actual === null || actual === '') return false;
  const { operator, value } = conditions;
  switch (operator) {
    case 'equals':
      return sameValue(actual, value);
    case 'in':
      return Array.isArray(value) && value.some((item) => sameValue(actual, item));
    case 'contains':
      return texts(value).some((text) => lower(actual).includes(text.toLowerCase()));
    case 'not_contains':
      return !texts(value).some((text) => lower(actual).includes(text.toLowerCase()));
    case 'pattern':
      return patternOf(value).matcher(String(actual)).find();
    case 'not_pattern':
      return !patternOf(value).matcher(String(actual)).find();
    case 'gte':
    case 'lte': {
      const number = leadingNumber(actual);
      if (number === undefined || typeof value !== 'number') return false;
      return operator === 'gte' ? number >= value : number <= value;
    }
    default:
      return false;
  }
}

function fieldValue(profile: LeadFitProfile, field: string): string | number | null {
  if (field.startsWith('organization.')) {
    const organization = profile.organization as unknown as Record<string, string | null> | null;
    return organization?.[field.slice('organization.'.length)] ?? null;
  }
  return (profile as unknown as Record<string, string | null>)[field] ?? null;
}

function sameValue(actual: string | number, expected: unknown): boolean {
  if (typeof actual === 'string' && typeof expected === 'string') {
    return actual.toLowerCase() === expected.toLowerCase();
  }
  return String(actual) === String(expected);
}

function texts(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

function lower(value: string | number): string {
  return String(value).toLowerCase();
}

const LEADING_NUMBER = /^\s*(-?\d+(?:\.\d+)?)/;

function leadingNumber(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const match = LEADING_NUMBER.exec(value);
  return match ? Number(match[1]) : undefined;
}

/** Rules are few and change rarely: each pattern is compiled once. */
const compiled = new Map<string, RE2JS>();

function patternOf(value: unknown): RE2JS {
  const source = String(value);
  let pattern = compiled.get(source);
  if (!pattern) {
    pattern = compileRulePattern(source);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(source, pattern);
  }
  return pattern;
}
