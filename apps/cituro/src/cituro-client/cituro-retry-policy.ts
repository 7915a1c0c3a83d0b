import { setTimeout as sleep } from 'node:timers/promises';
import { CituroCallError } from './cituro-client';

export interface RetryPolicyOptions {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff (doubled per retry) when Cituro sent no Retry-After. */
  baseDelayMs: number;
  /** A Retry-After longer than this ends the loop: the caller (the queue) waits it out instead of the process. */
  maxInlineRetryAfterMs: number;
  wait?: (ms: number) => Promise<unknown>;
}

/**
 * Retries a unit of Cituro work on 429, 5xx and timeouts: after Retry-After when Cituro sent one, else with
 * exponential backoff. The unit is re-run whole, so a unit that creates must look up first (see
 * CituroCustomerDirectory): a timed-out create may have happened.
 */
export class CituroRetryPolicy {
  private readonly wait: (ms: number) => Promise<unknown>;

  constructor(private readonly options: RetryPolicyOptions) {
    this.wait = options.wait ?? ((ms) => sleep(ms));
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        return await work();
      } catch (error) {
        const delay = this.delayBeforeRetry(error, retry);
        if (delay === null) throw error;
        await this.wait(delay);
      }
    }
  }

  /** The wait before the next attempt, or null when there is none. */
  private delayBeforeRetry(error: unknown, retry: number): number | null {
    if (!(error instanceof CituroCallError) || !error.retryable || retry >= this.options.retries) return null;
    if (error.retryAfterMs !== null) {
      return error.retryAfterMs <= this.options.maxInlineRetryAfterMs ? error.retryAfterMs : null;
    }
    return this.options.baseDelayMs * 2 ** retry;
  }
}
