import { ConfigError, loadConfig } from '@crm/service-kit';
import { MAX_SLACK_HTTP_TIMEOUT_MS, MIN_SLACK_POOL_SIZE, SlackConfig } from './slack.config';

describe('SlackConfig', () => {
  it('defaults the Slack HTTP timeout to 10 s, well inside the 60 s ack wait of post-message commands', () => {
    expect(loadConfig(SlackConfig, {}).SLACK_HTTP_TIMEOUT_MS).toBe(10_000);
    expect(MAX_SLACK_HTTP_TIMEOUT_MS).toBe(15_000);
  });

  it('refuses a timeout that could outlast the ack wait, naming the variable', () => {
    expect(() => loadConfig(SlackConfig, { SLACK_HTTP_TIMEOUT_MS: '60000' })).toThrow(ConfigError);
    expect(() => loadConfig(SlackConfig, { SLACK_HTTP_TIMEOUT_MS: '60000' })).toThrow(
      /SLACK_HTTP_TIMEOUT_MS must be at most 15000 ms/,
    );
    expect(loadConfig(SlackConfig, { SLACK_HTTP_TIMEOUT_MS: '15000' }).SLACK_HTTP_TIMEOUT_MS).toBe(15_000);
  });

  it('needs a database pool of two connections per post-message command in flight', () => {
    expect(MIN_SLACK_POOL_SIZE).toBe(10);
    expect(loadConfig(SlackConfig, {}).DATABASE_POOL_SIZE).toBe(20);
    expect(() => loadConfig(SlackConfig, { DATABASE_POOL_SIZE: '4' })).toThrow(
      /DATABASE_POOL_SIZE must be at least 10/,
    );
    expect(() => loadConfig(SlackConfig, { DATABASE_POOL_SIZE: '500' })).toThrow(/DATABASE_POOL_SIZE/);
  });
});
