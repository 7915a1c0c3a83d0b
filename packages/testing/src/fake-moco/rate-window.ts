/** Sliding-window request counter per API key, as MOCO limits requests (120 per 2 minutes). */
export class RateWindow {
  private readonly accepted = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts the request when there is room; otherwise returns the ms until there is. */
  take(key: string, now: number): { allowed: true } | { allowed: false; waitMs: number } {
    const times = (this.accepted.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (times.length >= this.limit) {
      this.accepted.set(key, times);
      return { allowed: false, waitMs: times[0] + this.windowMs - now };
    }
    times.push(now);
    this.accepted.set(key, times);
    return { allowed: true };
  }

  clear(): void {
    this.accepted.clear();
  }
}
