import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { fastValidatorFor } from './compiled-validation';
import type { ValidationIssue } from './errors';

/** Flattens class-validator's tree into `{path, message, code}` rows (api.md `details.validation_errors`). */
export function toValidationIssues(errors: ValidationError[], parentPath = ''): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    const path = parentPath ? `${parentPath}.${error.property}` : error.property;
    for (const [code, message] of Object.entries(error.constraints ?? {})) {
      issues.push({ path, message, code });
    }
    if (error.children?.length) issues.push(...toValidationIssues(error.children, path));
  }
  return issues;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/** Turns plain data into a validated instance of `cls`, without throwing. */
export function validatePlain<T extends object>(
  cls: ClassConstructor<T>,
  plain: unknown,
): ValidationResult<T> {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { ok: false, issues: [{ path: '', message: 'must be an object', code: 'isObject' }] };
  }
  const valid = fastValidatorFor(cls)?.(plain as Record<string, unknown>);
  if (valid) return { ok: true, value: valid };
  const value = plainToInstance(cls, plain, { enableImplicitConversion: false });
  const errors = validateSync(value, { forbidUnknownValues: false, validationError: { target: false } });
  return errors.length ? { ok: false, issues: toValidationIssues(errors) } : { ok: true, value };
}
