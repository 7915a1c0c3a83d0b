import { bodyHash, principalScope, recordId, verdictFor, type IdempotencyRecord } from './idempotency-record';

const done: IdempotencyRecord = {
  state: 'done',
  hash: 'h1',
  status: 201,
  content_type: 'application/json',
  body: '{}',
};

describe('idempotency records (api.md §1.5)', () => {
  it('replays a finished request with the same body, refuses another body, reports one still running', () => {
    expect(verdictFor(done, 'h1')).toEqual({ kind: 'replay', record: done });
    expect(verdictFor(done, 'h2')).toEqual({ kind: 'reused' });
    expect(verdictFor({ state: 'in_flight', token: 't', hash: 'h1' }, 'h1')).toEqual({ kind: 'in_progress' });
    expect(verdictFor({ state: 'in_flight', token: 't', hash: 'h1' }, 'h2')).toEqual({ kind: 'reused' });
  });

  it('keys a record by principal, method, path (not query) and key', () => {
    const base = recordId('user:1', 'POST', '/api/v1/deals', 'k');
    expect(recordId('user:1', 'POST', '/api/v1/deals?x=1', 'k')).toBe(base);
    expect(recordId('user:2', 'POST', '/api/v1/deals', 'k')).not.toBe(base);
    expect(recordId('user:1', 'POST', '/api/v1/tasks', 'k')).not.toBe(base);
    expect(recordId('user:1', 'POST', '/api/v1/deals', 'k2')).not.toBe(base);
  });

  it('names the principal, or the IP on public routes', () => {
    expect(principalScope({ kind: 'user', memberId: 'm', email: 'e', role: 'bdr' }, '1.1.1.1')).toBe(
      'user:m',
    );
    expect(principalScope(undefined, '1.1.1.1')).toBe('ip:1.1.1.1');
  });

  it('hashes equal bodies equally and different ones differently', () => {
    expect(bodyHash({ a: 1 })).toBe(bodyHash({ a: 1 }));
    expect(bodyHash({ a: 1 })).not.toBe(bodyHash({ a: 2 }));
    expect(bodyHash(undefined)).toBe(bodyHash(null));
  });
});
