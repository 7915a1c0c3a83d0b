import pino from 'pino';
import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  const log = pino({ level: 'silent' });

  it('runs at once when asked, then per tick, never two runs at a time, and survives a failed run', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const task = new PeriodicTask(
      'test task',
      async () => {
        runs++;
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((resolve) => setTimeout(resolve, 25));
        active--;
        if (runs === 1) throw new Error('first run fails');
      },
      log,
    );
    task.start(5, { runNow: true });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await task.stop();
    const after = runs;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(maxActive).toBe(1);
    expect(runs).toBe(after);
  });
});
