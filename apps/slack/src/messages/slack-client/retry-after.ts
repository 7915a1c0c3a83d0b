/**
 * Parses an HTTP `Retry-After` value (delta seconds or an HTTP date) into milliseconds from `now`.
 * Returns null when the header is absent or unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfterMs(value: string | null | undefined, now = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date names its weekday or month ("Wed, 21 Oct 2015 07:28:00 GMT"); bare numbers are not dates.
  if (!/[a-z]{3}/i.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/** Slack error codes are short snake_case words; anything else (HTML from a proxy, say) is not one. */
export function vendorCodeFrom(body: unknown): string | null {
  if (typeof body !== 'string') return null;
  const trimmed = body.trim();
  return /^[a-z][a-z0-9_]{0,99}$/.test(trimmed) ? trimmed : null;
}
