import { EVENT_SOURCES, TRIGGER_ACTIONS, type TriggerAction, type ValidationIssue } from '@crm/contracts';
import { actionSpec, type ConfigFieldSpec } from './trigger-actions';

/** Intents of product.md (intent → pipeline routing). */
export const LEAD_INTENTS = ['research', 'b2b', 'co_creation'] as const;
export const CONDITION_KEYS = ['min_value', 'max_value', 'intents', 'sources', 'from_stage_ids'] as const;

export interface TriggerConditions {
  min_value?: number;
  max_value?: number;
  intents?: string[];
  sources?: string[];
  from_stage_ids?: string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_TEXT = 10_000;
const MAX_HTML = 100_000;

/** A number, or a string holding one (`"14"`), as api.md §9 allows. */
function coerceNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * Checks a trigger's config against its action's fields (required keys, types, enums) and returns the config
 * with numbers coerced. Keys the action does not know are kept as they are, so older saved configs survive.
 */
export function validateActionConfig(
  action: TriggerAction,
  config: Record<string, unknown>,
  path: string,
): { config: Record<string, unknown>; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const normalized: Record<string, unknown> = { ...config };
  for (const spec of actionSpec(action).config) {
    const value = config[spec.name];
    const at = `${path}.${spec.name}`;
    if (isBlank(value)) {
      if (spec.required)
        issues.push({ path: at, message: `${spec.name} is required for ${action}`, code: 'required' });
      continue;
    }
    const checked = checkField(spec, value);
    if ('message' in checked) issues.push({ path: at, message: checked.message, code: checked.code });
    else normalized[spec.name] = checked.value;
  }
  return { config: normalized, issues };
}

function checkField(
  spec: ConfigFieldSpec,
  value: unknown,
): { value: unknown } | { message: string; code: string } {
  switch (spec.type) {
    case 'string':
    case 'html': {
      const max = spec.type === 'html' ? MAX_HTML : MAX_TEXT;
      if (typeof value !== 'string') return { message: `${spec.name} must be a string`, code: 'isString' };
      if (value.length > max)
        return { message: `${spec.name} must be at most ${max} characters`, code: 'maxLength' };
      return { value };
    }
    case 'number': {
      const number = coerceNumber(value);
      return number === undefined
        ? { message: `${spec.name} must be a number`, code: 'isNumber' }
        : { value: number };
    }
    case 'enum':
      return typeof value === 'string' && spec.values!.includes(value)
        ? { value }
        : { message: `${spec.name} must be one of ${spec.values!.join(', ')}`, code: 'isIn' };
    case 'email_list': {
      const list = Array.isArray(value) ? value : [value];
      const valid = list.length > 0 && list.every((v) => typeof v === 'string' && EMAIL.test(v.trim()));
      return valid
        ? { value: Array.isArray(value) ? list.map((v) => (v as string).trim()) : (value as string).trim() }
        : { message: `${spec.name} must be an email address or a list of them`, code: 'isEmail' };
    }
  }
}

/**
 * What class-validator cannot say about conditions: unknown keys, min above max, and intents or sources
 * outside the vocabularies. Types were checked by the contract class (numbers as strings coerced there).
 */
export function validateConditions(
  conditions: Record<string, unknown> | undefined,
  path: string,
): { conditions: TriggerConditions; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  if (conditions === undefined || conditions === null) return { conditions: {}, issues };
  const result: TriggerConditions = {};
  for (const key of Object.keys(conditions)) {
    if (!(CONDITION_KEYS as readonly string[]).includes(key)) {
      issues.push({ path: `${path}.${key}`, message: `unknown condition ${key}`, code: 'unknownCondition' });
    }
  }
  for (const key of ['min_value', 'max_value'] as const) {
    const raw = conditions[key];
    if (raw === undefined || raw === null) continue;
    const number = coerceNumber(raw);
    if (number === undefined)
      issues.push({ path: `${path}.${key}`, message: `${key} must be a number`, code: 'isNumber' });
    else result[key] = number;
  }
  if (
    result.min_value !== undefined &&
    result.max_value !== undefined &&
    result.min_value > result.max_value
  ) {
    issues.push({
      path: `${path}.max_value`,
      message: 'max_value must not be below min_value',
      code: 'range',
    });
  }
  const lists: [
    keyof TriggerConditions & ('intents' | 'sources' | 'from_stage_ids'),
    readonly string[] | null,
  ][] = [
    ['intents', LEAD_INTENTS],
    ['sources', EVENT_SOURCES],
    ['from_stage_ids', null],
  ];
  for (const [key, allowed] of lists) {
    const raw = conditions[key];
    if (raw === undefined || raw === null) continue;
    if (!Array.isArray(raw) || !raw.every((v) => typeof v === 'string')) {
      issues.push({ path: `${path}.${key}`, message: `${key} must be a list of strings`, code: 'isArray' });
      continue;
    }
    const unknown = allowed ? raw.filter((v) => !allowed.includes(v)) : [];
    if (unknown.length) {
      issues.push({
        path: `${path}.${key}`,
        message: `${key} has unknown values ${unknown.join(', ')}; allowed: ${allowed!.join(', ')}`,
        code: 'isIn',
      });
      continue;
    }
    result[key] = [...raw];
  }
  return { conditions: result, issues };
}

/** The shapes api.md §9 refuses with 400: the legacy `send_email` action and `{trigger:{type}, action:{type}}`. */
export function legacyShapeIssue(raw: Record<string, unknown>, path: string): ValidationIssue | null {
  if ('trigger' in raw || (typeof raw.action === 'object' && raw.action !== null)) {
    return {
      path,
      message: 'the {trigger:{type}, action:{type}} shape is no longer accepted; send {action, on, config}',
      code: 'legacyShape',
    };
  }
  if (raw.action === 'send_email') {
    return {
      path: `${path}.action`,
      message: 'send_email is no longer supported; use send_notification_email with config.to',
      code: 'legacyAction',
    };
  }
  if (typeof raw.action === 'string' && !(TRIGGER_ACTIONS as readonly string[]).includes(raw.action)) {
    return { path: `${path}.action`, message: `unknown action ${raw.action}`, code: 'isIn' };
  }
  return null;
}
