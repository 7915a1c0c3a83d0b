import { InvalidMessageError } from '@crm/contracts';
import { PermanentError } from './message-errors';

/**
 * What a handler failure means for its message:
 * - `permanent`: no retry can fix it (invalid payload, a PermanentError, a deterministic SQL error): dead-letter now.
 * - `database_unavailable`: the database is down or unreachable: hold the message and wait, burning no delivery.
 * - `transient`: retry later with backoff, dead-letter when deliveries run out.
 */
export type FailureKind = 'permanent' | 'database_unavailable' | 'transient';

/**
 * SQLSTATEs that repeat on every retry of the same input: data exceptions (22xxx: bad value, out of range, bad
 * date), not-null (23502) and check (23514) violations. Unique violations (23505) are left transient: they are
 * usually a race that a retry resolves.
 */
const DETERMINISTIC_SQLSTATE = /^(22...|23502|23514)$/;

/** Connection-level failures: class 08, admin shutdown (57P01..57P03), and the client's own socket errors. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123])$/;
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection terminated unexpectedly',
];

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof PermanentError || error instanceof InvalidMessageError) return 'permanent';
  const sqlState = sqlStateOf(error);
  if (sqlState && DETERMINISTIC_SQLSTATE.test(sqlState)) return 'permanent';
  if (isDatabaseUnavailable(error)) return 'database_unavailable';
  return 'transient';
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (const e of causeChain(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NODE_CODES.has(code))) {
      return true;
    }
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return true;
  }
  return false;
}

/** PostgreSQL's SQLSTATE of a TypeORM QueryFailedError or a pg DatabaseError. */
function sqlStateOf(error: unknown): string | undefined {
  for (const e of causeChain(error)) {
    const code =
      (e as { code?: unknown }).code ?? (e as { driverError?: { code?: unknown } }).driverError?.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

function* causeChain(error: unknown): Generator<object> {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    yield current;
    const next =
      (current as { cause?: unknown; driverError?: unknown }).driverError ??
      (current as { cause?: unknown }).cause;
    current = next;
  }
}
