import { registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The `YYYY-MM-DD` the value starts with is a day of the calendar: `Date.parse` rolls 2025-02-30 over to March 2,
 * and PostgreSQL refuses it, which would turn a bad filter into a 500. (IsRfc3339 does not check it yet: ingest's
 * fast path must agree with it.)
 */
function hasCalendarDay(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The shape of an RFC 3339 date-time with `Z` or an offset (IsRfc3339 also checks that it parses). */
export function hasRfc3339Shape(value: string): boolean {
  return RFC3339.test(value);
}

/** An RFC 3339 date-time with `Z` or an offset, any year (api.md §1.1). */
export function IsRfc3339(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isRfc3339',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be an RFC 3339 date-time with Z or an offset', ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && RFC3339.test(value) && !Number.isNaN(Date.parse(value)),
      },
    });
}

/** A filter bound: an RFC 3339 date-time, or a `YYYY-MM-DD` date (api.md §1.1). */
export function IsRfc3339OrDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isRfc3339OrDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be a date (YYYY-MM-DD) or an RFC 3339 date-time', ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          (RFC3339.test(value) || /^\d{4}-\d{2}-\d{2}$/.test(value)) &&
          !Number.isNaN(Date.parse(value)) &&
          hasCalendarDay(value),
      },
    });
}

/** A date-time no later than now + `toleranceSeconds` (producers' clocks drift a little). */
export function IsNotFutureBeyond(toleranceSeconds: number, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isNotFutureBeyond',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must not be more than ${toleranceSeconds} s in the future`, ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || Number.isNaN(Date.parse(value))
            ? true
            : Date.parse(value) <= Date.now() + toleranceSeconds * 1000,
      },
    });
}

/** A JSON value whose serialised UTF-8 size is at most `maxBytes`. */
export function MaxJsonBytes(maxBytes: number, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'maxJsonBytes',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must be at most ${maxBytes} bytes as JSON`, ...options },
      validator: {
        validate: (value: unknown) =>
          value === undefined || Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8') <= maxBytes,
      },
    });
}

/** An object with at least one of `keys` set to a non-empty value. */
export function HasAnyOf(keys: readonly string[], options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'hasAnyOf',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must contain at least one of ${keys.join(', ')}`, ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          keys.some((k) => {
            const v = (value as Record<string, unknown>)[k];
            return typeof v === 'string' && v.trim().length > 0;
          }),
      },
    });
}

/** May be left out, but not sent as `null` (unlike IsOptional, which lets `null` through). */
export function IsOptionalNotNull(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined, options);
}
