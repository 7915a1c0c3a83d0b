import { decide } from './sliding-window';

const W = 60_000;
const start = 1_800_000_000_000 - (1_800_000_000_000 % W);

describe('sliding-window decisions', () => {
  it('counts down what is left after this request, the previous window weighted by its overlap', () => {
    // 15 s into the window: 3/4 of the previous minute still counts (8 × 0.75 = 6), plus 2 now.
    const decision = decide(
      { allowed: true, previous: 8, current: 2, nowMs: start + 15_000, windowStartMs: start },
      10,
    );
    expect(decision).toEqual({
      allowed: true,
      limit: 10,
      remaining: 2,
      resetAt: (start + W) / 1000,
      retryAfter: 0,
    });
  });

  it('on a refusal waits until enough of the previous window has slid out', () => {
    // 6 + 3 + 1 > 9 at 15 s; accepted once 8 × (60 − t)/60 + 3 + 1 ≤ 9, i.e. at t = 22.5 s: 7.5 s later.
    const decision = decide(
      { allowed: false, previous: 8, current: 3, nowMs: start + 15_000, windowStartMs: start },
      9,
    );
    expect(decision.allowed).toBe(false);
    expect(decision.remaining).toBe(0);
    expect(decision.retryAfter).toBe(8);
    expect(decision.resetAt).toBe(Math.ceil((start + 15_000) / 1000) + 8);
  });

  it('on a full current window waits into the next one, where this window is the weighted previous', () => {
    // 10 of 10 now, 30 s in: the next window starts in 30 s; there 10 × (60 − x)/60 + 1 ≤ 10 at x = 6 s.
    const decision = decide(
      { allowed: false, previous: 0, current: 10, nowMs: start + 30_000, windowStartMs: start },
      10,
    );
    expect(decision.retryAfter).toBe(36);
  });

  it('never tells a refused client to retry in less than a second', () => {
    const decision = decide(
      { allowed: false, previous: 1, current: 0, nowMs: start + W - 1, windowStartMs: start },
      1,
    );
    expect(decision.retryAfter).toBe(1);
  });
});
