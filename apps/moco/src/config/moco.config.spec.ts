import { loadConfig } from '@crm/service-kit';
import { MocoConfig } from './moco.config';

describe('MocoConfig', () => {
  const load = (env: Record<string, string>) => () =>
    loadConfig(MocoConfig, { DATABASE_URL: 'postgres://x/y', ...env });

  it('defaults to port 3006 and MOCO’s own limit of 120 requests per 2 minutes', () => {
    const config = load({})();
    expect(config).toMatchObject({ MOCO_PORT: 3006, MOCO_RATE_LIMIT: 120, MOCO_RATE_WINDOW_MS: 120_000 });
    expect(config.MOCO_WEBHOOK_KEYS).toEqual([]);
  });

  it('splits webhook keys and refuses keys that are not 32 hex characters', () => {
    expect(
      load({ MOCO_WEBHOOK_KEYS: `${'a'.repeat(32)}, ${'b'.repeat(32)}` })().MOCO_WEBHOOK_KEYS,
    ).toHaveLength(2);
    expect(load({ MOCO_WEBHOOK_KEYS: 'short' })).toThrow(/MOCO_WEBHOOK_KEYS/);
  });

  it('keeps one call below the idle-in-transaction timeout and refuses a bad base URL', () => {
    expect(load({ MOCO_MAX_WAIT_MS: '60000' })).toThrow(/MOCO_MAX_WAIT_MS/);
    expect(load({ MOCO_BASE_URL: 'ftp://acme' })).toThrow(/MOCO_BASE_URL/);
  });
});
