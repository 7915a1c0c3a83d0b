import { redeliveryDelayMs } from './backoff';

describe('redeliveryDelayMs', () => {
  const definition = { backoffMs: [30_000, 120_000, 600_000, 3_600_000] };

  it('follows the schedule by delivery count and repeats its last step', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => redeliveryDelayMs(definition, n, 1))).toEqual([
      30_000, 120_000, 600_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
  });

  it('scales the schedule (tests see a day of retries in seconds)', () => {
    expect(redeliveryDelayMs(definition, 2, 0.001)).toBe(120);
  });

  it("lets a vendor's Retry-After win when it is longer, and never scales it", () => {
    expect(redeliveryDelayMs(definition, 1, 0.001, 1_000)).toBe(1_000);
    expect(redeliveryDelayMs(definition, 1, 1, 1_000)).toBe(30_000);
  });

  it('retries at once without a schedule', () => {
    expect(redeliveryDelayMs({ backoffMs: [] }, 3, 1)).toBe(0);
  });
});
