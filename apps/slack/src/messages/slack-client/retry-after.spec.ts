import { parseRetryAfterMs, vendorCodeFrom } from './retry-after';

describe('parseRetryAfterMs', () => {
  it('reads delta seconds', () => {
    expect(parseRetryAfterMs('1')).toBe(1000);
    expect(parseRetryAfterMs(' 30 ')).toBe(30_000);
    expect(parseRetryAfterMs('0')).toBe(0);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });

  it('returns null when absent or unreadable', () => {
    expect(parseRetryAfterMs(null)).toBeNull();
    expect(parseRetryAfterMs(undefined)).toBeNull();
    expect(parseRetryAfterMs('soon')).toBeNull();
    expect(parseRetryAfterMs('-5')).toBeNull();
  });
});

describe('vendorCodeFrom', () => {
  it('accepts Slack snake_case codes only', () => {
    expect(vendorCodeFrom('channel_not_found')).toBe('channel_not_found');
    expect(vendorCodeFrom(' rollup_error\n')).toBe('rollup_error');
    expect(vendorCodeFrom('<html>Bad Gateway</html>')).toBeNull();
    expect(vendorCodeFrom('')).toBeNull();
    expect(vendorCodeFrom(undefined)).toBeNull();
  });
});
