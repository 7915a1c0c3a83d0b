import { ConfigError, loadConfig } from '@crm/service-kit';
import { CituroConfig, MAX_CITURO_HTTP_TIMEOUT_MS } from './cituro.config';

describe('CituroConfig', () => {
  it('defaults to port 3005, the Cituro API host, a 5 s status check cached 30 s', () => {
    const config = loadConfig(CituroConfig, {});
    expect(config.CITURO_PORT).toBe(3005);
    expect(config.CITURO_BASE_URL).toBe('https://app.cituro.com/api');
    expect(config.CITURO_STATUS_TIMEOUT_MS).toBe(5_000);
    expect(config.CITURO_STATUS_CACHE_MS).toBe(30_000);
  });

  it('refuses a status timeout over 5 s (api.md §15) and an HTTP timeout that could outlast the ack wait', () => {
    expect(() => loadConfig(CituroConfig, { CITURO_STATUS_TIMEOUT_MS: '5001' })).toThrow(ConfigError);
    expect(MAX_CITURO_HTTP_TIMEOUT_MS).toBe(6_000);
    expect(() => loadConfig(CituroConfig, { CITURO_HTTP_TIMEOUT_MS: '6001' })).toThrow(
      /CITURO_HTTP_TIMEOUT_MS/,
    );
  });

  it('needs a real ENCRYPTION_KEY in production, and accepts 64 hex digits', () => {
    expect(() => loadConfig(CituroConfig, { NODE_ENV: 'production' })).toThrow(/ENCRYPTION_KEY/);
    const key = 'ab'.repeat(32);
    expect(loadConfig(CituroConfig, { ENCRYPTION_KEY: key }).encryptionKey()).toEqual(
      Buffer.from(key, 'hex'),
    );
    expect(() => loadConfig(CituroConfig, { ENCRYPTION_KEY: 'short' })).toThrow(/ENCRYPTION_KEY/);
  });
});
