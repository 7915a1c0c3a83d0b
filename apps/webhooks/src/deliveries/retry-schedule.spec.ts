import { MAX_ATTEMPTS, nextRetryDelayMs, RETRY_DELAYS_MS } from './retry-schedule';

describe('retry schedule (api.md §16)', () => {
  const exact = { scale: 1, random: () => 0.5 };

  it('follows 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h, then stops after 10 attempts', () => {
    const delays = Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => nextRetryDelayMs(i + 1, exact));
    expect(delays).toEqual([5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400].map((s) => s * 1000));
    expect(MAX_ATTEMPTS).toBe(10);
    expect(nextRetryDelayMs(MAX_ATTEMPTS, exact)).toBeNull();
  });

  it('adds at most ±10 % jitter and applies the backoff scale', () => {
    expect(nextRetryDelayMs(2, { scale: 1, random: () => 0 })).toBe(270_000);
    expect(nextRetryDelayMs(2, { scale: 1, random: () => 1 })).toBe(330_000);
    expect(nextRetryDelayMs(2, { scale: 0.001, random: () => 0.5 })).toBe(300);
  });

  it('honours a longer Retry-After unscaled, capped at the longest step', () => {
    expect(nextRetryDelayMs(1, { scale: 0.001, retryAfterMs: 120_000, random: () => 0.5 })).toBe(120_000);
    expect(nextRetryDelayMs(3, { ...exact, retryAfterMs: 1_000 })).toBe(RETRY_DELAYS_MS[2]);
    expect(nextRetryDelayMs(1, { ...exact, retryAfterMs: 10 * 86_400_000 })).toBe(86_400_000);
  });
});
