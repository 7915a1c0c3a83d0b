import { loadConfig } from '@crm/service-kit';
import { AutomationConfig, ACTION_RETRY_WINDOW_MINUTES } from './automation.config';

describe('AutomationConfig', () => {
  it('fails runs as stale after 2 hours by default, beyond the slowest executor’s whole retry schedule', () => {
    // moco: 30 s + 2 min + 10 min + 1 h of backoff, plus a 300 s ack wait for each of 5 deliveries.
    expect(ACTION_RETRY_WINDOW_MINUTES).toBe(98);
    const config = loadConfig(AutomationConfig, {});
    expect(config.STALE_RUN_AFTER_MINUTES).toBe(120);
    expect(config.STALE_RUN_SWEEP_INTERVAL_MS).toBe(60_000);
  });

  it('refuses a stale age inside that retry schedule, naming the variable', () => {
    expect(() => loadConfig(AutomationConfig, { STALE_RUN_AFTER_MINUTES: '30' })).toThrow(
      /STALE_RUN_AFTER_MINUTES must be at least 98/,
    );
    expect(loadConfig(AutomationConfig, { STALE_RUN_AFTER_MINUTES: '98' }).STALE_RUN_AFTER_MINUTES).toBe(98);
  });
});
