import { ConfigError, DEV_DEFAULT_ENCRYPTION_KEY, loadConfig } from '@crm/service-kit';
import { WebhooksConfig } from './webhooks.config';

describe('WebhooksConfig', () => {
  const production = { NODE_ENV: 'production' };
  const realKey = 'ab'.repeat(32);

  it('listens on 3008 and bounds an attempt by 15 s by default', () => {
    const config = loadConfig(WebhooksConfig, {});
    expect(config.WEBHOOKS_PORT).toBe(3008);
    expect(config.WEBHOOKS_HTTP_TIMEOUT_MS).toBe(15_000);
    expect(() => loadConfig(WebhooksConfig, { WEBHOOKS_HTTP_TIMEOUT_MS: '30000' })).toThrow(
      /WEBHOOKS_HTTP_TIMEOUT_MS/,
    );
  });

  it('uses the development key outside production and needs a real one in production', () => {
    expect(loadConfig(WebhooksConfig, {}).encryptionKey()).toEqual(
      Buffer.from(DEV_DEFAULT_ENCRYPTION_KEY, 'hex'),
    );
    expect(() => loadConfig(WebhooksConfig, production)).toThrow(ConfigError);
    expect(() =>
      loadConfig(WebhooksConfig, { ...production, ENCRYPTION_KEY: DEV_DEFAULT_ENCRYPTION_KEY }),
    ).toThrow(/ENCRYPTION_KEY/);
    expect(() => loadConfig(WebhooksConfig, { ENCRYPTION_KEY: 'short' })).toThrow(/ENCRYPTION_KEY/);
    expect(loadConfig(WebhooksConfig, { ...production, ENCRYPTION_KEY: realKey }).encryptionKey()).toEqual(
      Buffer.from(realKey, 'hex'),
    );
  });
});
