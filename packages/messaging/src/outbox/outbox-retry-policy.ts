import {
  ClosedConnectionError,
  ConnectionError,
  DrainingConnectionError,
  NoRespondersError,
  TimeoutError,
} from '@nats-io/nats-core';

/**
 * After this many failed attempts a row is parked (kept with its error, never claimed again). With the delays
 * below that is about an hour of failing, long enough to outlast a deployment or a broker restart.
 */
export const OUTBOX_MAX_ATTEMPTS = 20;
const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 5 * 60_000;
/** While the broker is unreachable: short enough that publishing resumes soon after it is back. */
const LONGEST_RETRY_WHILE_UNREACHABLE_MS = 10_000;

/** Delay before the next attempt after attempt `attempts` failed: doubling, capped, scaled (tests use 0.001). */
export function outboxRetryDelayMs(attempts: number, scale: number): number {
  const delay = Math.min(FIRST_RETRY_MS * 2 ** Math.max(attempts - 1, 0), LONGEST_RETRY_MS);
  return Math.round(delay * scale);
}

/**
 * Delay before the next attempt after attempt `attempts` failed with `error`, or null to park the row. An
 * unreachable broker says nothing about the message: that failure never parks a row (a long NATS outage must not
 * park everything written meanwhile) and is retried at a short interval.
 */
export function outboxRetryAfterFailure(attempts: number, error: unknown, scale: number): number | null {
  if (isBrokerUnreachable(error))
    return Math.min(
      outboxRetryDelayMs(attempts, scale),
      Math.round(LONGEST_RETRY_WHILE_UNREACHABLE_MS * scale),
    );
  return attempts >= OUTBOX_MAX_ATTEMPTS ? null : outboxRetryDelayMs(attempts, scale);
}

function isBrokerUnreachable(error: unknown): boolean {
  return causeChain(error).some(
    (cause) =>
      cause instanceof TimeoutError ||
      cause instanceof ConnectionError ||
      cause instanceof ClosedConnectionError ||
      cause instanceof DrainingConnectionError,
  );
}

/** The error as stored in `last_error`; the client reports a subject without a stream as "jetstream is not enabled". */
export function describePublishFailure(error: unknown, subject: string): string {
  if (causeChain(error).some((cause) => cause instanceof NoRespondersError))
    return `no JetStream stream takes subject ${subject} (no responders)`;
  return error instanceof Error ? error.message : String(error);
}

/** The NATS client wraps request failures (RequestError with a cause). */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current != null && chain.length < 5; current = (current as Error).cause)
    chain.push(current);
  return chain;
}
