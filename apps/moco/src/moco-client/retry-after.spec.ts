import { mocoErrorMessage, retryAfterMs } from './retry-after';

describe('MOCO answers', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs('soon')).toBeNull();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
  });

  it('parses errors (array or object), then message, then error, then the raw text', () => {
    expect(mocoErrorMessage('{"errors":["Name can\'t be blank"]}')).toBe("Name can't be blank");
    expect(mocoErrorMessage('{"errors":{"name":["can\'t be blank"]}}')).toBe("name can't be blank");
    expect(mocoErrorMessage('{"message":"Invalid payload"}')).toBe('Invalid payload');
    expect(mocoErrorMessage('{"error":"\'foo\' is not a valid status"}')).toBe("'foo' is not a valid status");
    expect(mocoErrorMessage('Bad gateway')).toBe('Bad gateway');
  });
});
