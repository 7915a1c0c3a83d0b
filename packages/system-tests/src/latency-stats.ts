/** Latency samples (ms) as the bench reports them: count, p50, p95, p99 and max, 0.1 ms resolution. */
export function summarize(samples: number[]) {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) =>
    round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN, 1);
  return { samples: samples.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

export function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
