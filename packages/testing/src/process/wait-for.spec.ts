import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    const value = await waitFor(async () => (++calls >= 3 ? { calls } : undefined), { intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
    expect(calls).toBe(3);
  });

  it('treats thrown errors as "not yet"', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        if (++calls < 3) throw new Error('not listening');
        return 'up';
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('up');
  });

  it('throws with the message and the last value after the timeout', async () => {
    const started = Date.now();
    await expect(
      waitFor(async () => false, { timeoutMs: 50, intervalMs: 10, message: 'lead never scored' }),
    ).rejects.toThrow('waitFor timed out after 50 ms: lead never scored; last value: false');
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('reports the last error when fn kept throwing', async () => {
    await expect(
      waitFor(
        async () => {
          throw new Error('ECONNREFUSED');
        },
        { timeoutMs: 20, intervalMs: 5 },
      ),
    ).rejects.toThrow(/condition not met; last value: Error: ECONNREFUSED/);
  });
});
