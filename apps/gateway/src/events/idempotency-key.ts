import { ValidationFailedError } from '@crm/contracts';

const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** The `Idempotency-Key` header, if sent: 1-255 printable ASCII characters (api.md §1.5), else 400. */
export function checkedIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(value)) {
    throw new ValidationFailedError([
      {
        path: 'headers.idempotency-key',
        message: 'Idempotency-Key must be 1-255 printable ASCII characters',
        code: 'idempotencyKey',
      },
    ]);
  }
  return value;
}
