import { ValidationFailedError, type ValidationIssue } from '@crm/contracts';

/** PATCH: `null` clears nullable fields only; the `required` ones must be left out or given a value. */
export function assertNoNullWhere<T extends object>(body: T, required: readonly (keyof T & string)[]): void {
  const issues: ValidationIssue[] = required
    .filter((field) => body[field] === null)
    .map((field) => ({ path: field, message: `${field} cannot be null`, code: 'isNotNull' }));
  if (issues.length) throw new ValidationFailedError(issues);
}

/** Equality of JSON values whatever the key order (jsonb does not keep it). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** `Decision-maker title` → `decision-maker-title`; 400 when the name has nothing to make a slug of. */
export function slugFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
    .replace(/-+$/, '');
  if (!slug) {
    throw new ValidationFailedError([
      { path: 'slug', message: 'cannot be derived from the name; send a slug', code: 'isNotEmpty' },
    ]);
  }
  return slug;
}
