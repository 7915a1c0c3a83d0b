import { isUUID, registerDecorator, type ValidationOptions } from 'class-validator';
import { ValidationFailedError } from '../errors';

/**
 * Where a keyset page ends (api.md §1.4 `cursor`): the list and sort it belongs to, the sort key values of its
 * last row (as PostgreSQL prints them, so no precision is lost) and that row's id, the tiebreak.
 */
export interface CursorPosition {
  /** Which list, e.g. `leads`: a cursor of another list is refused. */
  list: string;
  /** `sort_by:sort_order` of the list it came from: a cursor of another order is refused. */
  sort: string;
  keys: (string | null)[];
  id: string;
}

const CURSOR_VERSION = 1;
const MAX_CURSOR_CHARS = 2048;
const MAX_KEYS = 4;
const MAX_KEY_CHARS = 512;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The opaque `cursor` of a position: base64url JSON. */
export function encodeCursor(position: CursorPosition): string {
  const { list, sort, keys, id } = position;
  return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, l: list, s: sort, k: keys, i: id })).toString(
    'base64url',
  );
}

/** The position a cursor names, or null when it is not one this API made (malformed, edited or truncated). */
export function decodeCursor(raw: unknown): CursorPosition | null {
  if (typeof raw !== 'string' || raw.length > MAX_CURSOR_CHARS || !BASE64URL.test(raw)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const { v, l, s, k, i } = parsed as Record<string, unknown>;
  const isKey = (key: unknown) => key === null || (typeof key === 'string' && key.length <= MAX_KEY_CHARS);
  if (v !== CURSOR_VERSION || typeof l !== 'string' || typeof s !== 'string') return null;
  if (!Array.isArray(k) || !k.length || k.length > MAX_KEYS || !k.every(isKey)) return null;
  if (typeof i !== 'string' || !isUUID(i)) return null;
  return { list: l, sort: s, keys: k as (string | null)[], id: i };
}

/** A 400 `VALIDATION_ERROR` on `cursor` (api.md §1.3), for a cursor that does not fit the list it was sent to. */
export function invalidCursor(
  message = 'cursor must be a next_cursor of this list, with its sort_by and sort_order',
): ValidationFailedError {
  return new ValidationFailedError([{ path: 'cursor', message, code: 'isPageCursor' }]);
}

/** A `cursor` as this API hands them out (its fit to the list is checked where the list is read). */
export function IsPageCursor(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isPageCursor',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be a next_cursor from a previous response', ...options },
      validator: { validate: (value: unknown) => decodeCursor(value) !== null },
    });
}
