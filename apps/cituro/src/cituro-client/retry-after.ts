/**
 * Milliseconds to wait from an HTTP `Retry-After` (delta seconds or an HTTP date), or null when absent or
 * unreadable, so the caller falls back to its own backoff.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  const value = header?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Only a date naming a weekday or month; a bare number is seconds, and anything else unreadable.
  const at = /[a-z]{3}/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
