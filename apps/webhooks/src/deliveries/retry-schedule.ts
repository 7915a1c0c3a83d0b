/** api.md §16: after the first attempt, retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h. */
export const RETRY_DELAYS_MS = [
  5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000,
];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
const JITTER = 0.1;
/** A Retry-After beyond the longest step of the schedule is not waited for longer than that step. */
const MAX_RETRY_AFTER_MS = RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1];

/**
 * The wait before the next attempt after `attemptsMade` failed ones, or null when none is left. The step gets
 * ±10 % jitter and `scale` (MESSAGING_BACKOFF_SCALE, below 1 in tests); a receiver's Retry-After (429/503) is
 * honoured as given, unscaled, when longer than the step.
 */
export function nextRetryDelayMs(
  attemptsMade: number,
  options: { scale: number; retryAfterMs?: number; random?: () => number },
): number | null {
  if (attemptsMade >= MAX_ATTEMPTS) return null;
  const step = RETRY_DELAYS_MS[attemptsMade - 1];
  const jitter = 1 + JITTER * (2 * (options.random ?? Math.random)() - 1);
  const scheduled = Math.round(step * jitter * options.scale);
  const retryAfter = Math.min(options.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS);
  return Math.max(scheduled, retryAfter);
}
