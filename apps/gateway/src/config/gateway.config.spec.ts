import 'reflect-metadata';
import { ConfigError, DEV_DEFAULT_ENCRYPTION_KEY, loadConfig } from '@crm/service-kit';
import { DEV_DEFAULT_JWT_SECRET, DEV_DEFAULT_WEBHOOK_SECRET, GatewayConfig } from './gateway.config';

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

  it('refuses to start in production without API_KEYS, JWT_SECRET and ENCRYPTION_KEY, naming each', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^API_KEYS: API_KEYS must be set when NODE_ENV=production/);
    expect(problems[1]).toMatch(/^JWT_SECRET: JWT_SECRET must be set when NODE_ENV=production/);
    expect(problems[2]).toMatch(/^ENCRYPTION_KEY: ENCRYPTION_KEY must be set when NODE_ENV=production/);
  });

  it('refuses a short JWT_SECRET in production and accepts a proper setup', () => {
    expect(
      problemsOf({
        NODE_ENV: 'production',
        API_KEYS: 'prod-key-123456:api',
        JWT_SECRET: 'short',
        ENCRYPTION_KEY: 'a'.repeat(64),
      }),
    ).toEqual(['JWT_SECRET: JWT_SECRET must be at least 32 characters in production (got (hidden))']);
    const config = loadConfig(GatewayConfig, {
      NODE_ENV: 'production',
      API_KEYS: 'prod-key-123456:api',
      JWT_SECRET: 'x'.repeat(32),
      ENCRYPTION_KEY: 'a'.repeat(64),
    });
    expect(config.bootstrapApiKeys()).toHaveLength(1);
    expect(config.corsOrigins()).toBe(false);
    // No WEBHOOK_SECRET in production: sources without a registered signing secret cannot sign.
    expect(config.webhookSecret()).toBeUndefined();
  });

  it('takes ENCRYPTION_KEY as 64 hex digits or base64 of 32 bytes, never the dev default in production', () => {
    const key = Buffer.alloc(32, 7);
    expect(loadConfig(GatewayConfig, { ENCRYPTION_KEY: key.toString('hex') }).encryptionKey()).toEqual(key);
    expect(loadConfig(GatewayConfig, { ENCRYPTION_KEY: key.toString('base64') }).encryptionKey()).toEqual(
      key,
    );
    expect(loadConfig(GatewayConfig, { ENCRYPTION_KEY: key.toString('base64url') }).encryptionKey()).toEqual(
      key,
    );
    expect(loadConfig(GatewayConfig, {}).encryptionKey()).toEqual(
      Buffer.from(DEV_DEFAULT_ENCRYPTION_KEY, 'hex'),
    );
    for (const bad of ['a'.repeat(63), Buffer.alloc(31).toString('base64'), 'not-a-key']) {
      expect(problemsOf({ ENCRYPTION_KEY: bad })).toEqual([
        'ENCRYPTION_KEY: ENCRYPTION_KEY must be 32 bytes written as 64 hex digits or base64 (got (hidden))',
      ]);
    }
    const production = {
      NODE_ENV: 'production',
      API_KEYS: 'prod-key-123456:api',
      JWT_SECRET: 'x'.repeat(32),
    };
    expect(problemsOf({ ...production, ENCRYPTION_KEY: DEV_DEFAULT_ENCRYPTION_KEY })).toEqual([
      'ENCRYPTION_KEY: ENCRYPTION_KEY must not be the development default in production (got (hidden))',
    ]);
  });

  it('has a development WEBHOOK_SECRET, and checks a given one', () => {
    expect(loadConfig(GatewayConfig, {}).webhookSecret()).toBe(DEV_DEFAULT_WEBHOOK_SECRET);
    const own = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    expect(loadConfig(GatewayConfig, { WEBHOOK_SECRET: own }).webhookSecret()).toBe(own);
    expect(loadConfig(GatewayConfig, { WEBHOOK_SECRET: 'a-plain-shared-secret' }).webhookSecret()).toBe(
      'a-plain-shared-secret',
    );
    for (const bad of ['short', 'whsec_c2hvcnQ=', 'whsec_not base64!!']) {
      expect(problemsOf({ WEBHOOK_SECRET: bad })[0]).toMatch(
        /^WEBHOOK_SECRET: WEBHOOK_SECRET must be whsec_/,
      );
    }
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
