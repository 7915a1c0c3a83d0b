import { inspect } from 'node:util';

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Describes what was awaited; it starts the timeout error message. */
  message?: string;
}

/**
 * Polls `fn` until it returns a truthy value and resolves with it. Errors thrown by `fn` count as
 * "not yet" (the service may still be starting); the timeout error reports the last value or error.
 */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false>,
  { timeoutMs = 15_000, intervalMs = 100, message = 'condition not met' }: WaitForOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `waitFor timed out after ${timeoutMs} ms: ${message}; last value: ${inspect(last, { depth: 4 })}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
