import 'reflect-metadata';
import { ConfigError, loadConfig } from '@crm/service-kit';
import { DEV_DEFAULT_JWT_SECRET, GatewayConfig } from './gateway.config';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(GatewayConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected ConfigError');
}

describe('GatewayConfig', () => {
  it('has working development defaults, including the documented development key', () => {
    const config = loadConfig(GatewayConfig, {});
    expect(config.GATEWAY_PORT).toBe(3000);
    expect(config.RPC_TIMEOUT_MS).toBe(5000);
    expect(config.jwtSecret()).toBe(DEV_DEFAULT_JWT_SECRET);
    expect(config.bootstrapApiKeys()).toEqual([
      { key: 'dev-ingest-key', source: '*', scopes: ['events:write', 'read', 'write'] },
    ]);
  });

  it('uses API_KEYS instead of the development key when set', () => {
    const config = loadConfig(GatewayConfig, { API_KEYS: 'portal-key-1234:portal', GATEWAY_PORT: '4100' });
    expect(config.GATEWAY_PORT).toBe(4100);
    expect(config.bootstrapApiKeys()).toEqual([
      { key: 'portal-key-1234', source: 'portal', scopes: ['events:write'] },
    ]);
  });

  it('refuses to start in production without API_KEYS and JWT_SECRET, naming both', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^API_KEYS: API_KEYS must be set when NODE_ENV=production/);
    expect(problems[1]).toMatch(/^JWT_SECRET: JWT_SECRET must be set when NODE_ENV=production/);
  });

  it('refuses a short JWT_SECRET in production and accepts a proper setup', () => {
    expect(
      problemsOf({ NODE_ENV: 'production', API_KEYS: 'prod-key-123456:api', JWT_SECRET: 'short' }),
    ).toEqual(['JWT_SECRET: JWT_SECRET must be at least 32 characters in production (got (hidden))']);
    const config = loadConfig(GatewayConfig, {
      NODE_ENV: 'production',
      API_KEYS: 'prod-key-123456:api',
      JWT_SECRET: 'x'.repeat(32),
    });
    expect(config.bootstrapApiKeys()).toHaveLength(1);
    expect(config.corsOrigins()).toBe(false);
  });

  it('reports a malformed API_KEYS without showing the keys', () => {
    const problems = problemsOf({ API_KEYS: 'my-secret-key-1:api:superuser' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('API_KEYS must be key:source[:scope+scope],…');
    expect(problems[0]).toContain('unknown scope(s) superuser');
    expect(problems[0]).not.toContain('my-secret-key-1');
  });

  it('validates numbers', () => {
    expect(problemsOf({ RPC_TIMEOUT_MS: 'soon' })[0]).toMatch(/^RPC_TIMEOUT_MS:/);
  });
  it('defaults Redis to the local server, keys it by the NATS namespace, and checks the rate limits', () => {
    const config = loadConfig(GatewayConfig, { NATS_NAMESPACE: 'run_1' });
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.redisKeyPrefix()).toBe('crm:run_1:gw:');
    expect(config.RATE_LIMIT_INGEST_PER_MINUTE).toBe(20_000);
    expect(config.RATE_LIMIT_AUTH_PER_MINUTE).toBe(10);
    expect(loadConfig(GatewayConfig, { REDIS_KEY_PREFIX: 'x:' }).redisKeyPrefix()).toBe('x:');
    const problems = problemsOf({ REDIS_URL: 'localhost:6379', RATE_LIMIT_USER_PER_MINUTE: '-1' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['RATE_LIMIT_USER_PER_MINUTE', 'REDIS_URL']);
  });
});
