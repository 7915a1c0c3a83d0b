import { uniqueNamespace } from './test-namespace';

describe('uniqueNamespace', () => {
  it('builds <prefix>_<base36 time>_<random> from lowercase letters, digits and underscores', () => {
    const before = Date.now();
    const ns = uniqueNamespace();
    const after = Date.now();

    expect(ns).toMatch(/^[a-z0-9_]+$/);
    const match = /^t_([0-9a-z]+)_([0-9a-z]+)$/.exec(ns);
    expect(match).not.toBeNull();
    const time = parseInt(match![1], 36);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(after);
  });

  it('uses the given prefix and yields a valid NATS subject token and stream-name prefix', () => {
    const ns = uniqueNamespace('crm_e2e');
    expect(ns).toMatch(/^crm_e2e_[0-9a-z]+_[0-9a-z]+$/);
    // NATS subject tokens must not contain '.', '*', '>' or whitespace; stream names not '.', '*', '>', '/', '\'.
    expect(`${ns}.leads.created`.split('.')[0]).toBe(ns);
    expect(`${ns.toUpperCase()}_LEADS`).toMatch(/^[A-Z0-9_]+$/);
  });

  it('is unique across many calls in the same millisecond', () => {
    const names = Array.from({ length: 1000 }, () => uniqueNamespace());
    expect(new Set(names).size).toBe(1000);
  });

  it('rejects prefixes that would break subjects or stream names', () => {
    expect(() => uniqueNamespace('T')).toThrow(/prefix must match/);
    expect(() => uniqueNamespace('a.b')).toThrow(/prefix must match/);
    expect(() => uniqueNamespace('')).toThrow(/prefix must match/);
  });
});
