import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { ConfigError, loadConfig } from './load-config';
import { BaseServiceConfig } from './service-config';

class ExampleConfig extends BaseServiceConfig {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) EXAMPLE_PORT = 3999;
}

describe('loadConfig', () => {
  it('applies defaults and converts numbers from the environment', () => {
    const config = loadConfig(ExampleConfig, { EXAMPLE_PORT: '4100' });
    expect(config.EXAMPLE_PORT).toBe(4100);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/crm');
    expect(config.NATS_NAMESPACE).toBe('');
  });

  it('names every bad variable with the value given, hiding secrets and URLs', () => {
    let error: unknown;
    try {
      loadConfig(ExampleConfig, {
        EXAMPLE_PORT: 'abc',
        DATABASE_URL: 'mysql://user:secret@db/crm',
        NATS_NAMESPACE: 'Bad-NS',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('EXAMPLE_PORT'))).toContain('(got "abc")');
    expect(problems.find((p) => p.startsWith('DATABASE_URL'))).toContain('(hidden)');
    expect(problems.join('\n')).not.toContain('secret');
    expect(problems.find((p) => p.startsWith('NATS_NAMESPACE'))).toContain('a-z, 0-9 and _');
  });
});

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(BaseServiceConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('MESSAGING_BACKOFF_SCALE', () => {
  it('must be greater than 0: a scale of 0 would retry failed messages at once', () => {
    expect(problemsOf({ MESSAGING_BACKOFF_SCALE: '0' })).toEqual([
      'MESSAGING_BACKOFF_SCALE: MESSAGING_BACKOFF_SCALE must be greater than 0 (e.g. 0.001 in tests) (got "0")',
    ]);
    expect(problemsOf({ MESSAGING_BACKOFF_SCALE: '-1' })[0]).toMatch(
      /^MESSAGING_BACKOFF_SCALE: .*greater than 0/,
    );
  });

  it('accepts the small positive scales tests use', () => {
    expect(loadConfig(BaseServiceConfig, { MESSAGING_BACKOFF_SCALE: '0.001' }).MESSAGING_BACKOFF_SCALE).toBe(
      0.001,
    );
    expect(loadConfig(BaseServiceConfig, {}).MESSAGING_BACKOFF_SCALE).toBe(1);
  });
});

describe('MESSAGING_ACK_WAIT_SCALE', () => {
  it('is 1 by default and accepts a positive scale up to 1', () => {
    expect(loadConfig(BaseServiceConfig, {}).MESSAGING_ACK_WAIT_SCALE).toBe(1);
    expect(loadConfig(BaseServiceConfig, { MESSAGING_ACK_WAIT_SCALE: '0.05' }).MESSAGING_ACK_WAIT_SCALE).toBe(
      0.05,
    );
  });

  it('refuses 0, negative scales and scales above 1', () => {
    expect(problemsOf({ MESSAGING_ACK_WAIT_SCALE: '0' })[0]).toMatch(
      /^MESSAGING_ACK_WAIT_SCALE: .*greater than 0/,
    );
    expect(problemsOf({ MESSAGING_ACK_WAIT_SCALE: '-1' })).toHaveLength(1);
    expect(problemsOf({ MESSAGING_ACK_WAIT_SCALE: '2' })).toHaveLength(1);
  });
});

describe('database timeouts', () => {
  const TIMEOUTS = [
    'DATABASE_CONNECT_TIMEOUT_MS',
    'DATABASE_POOL_ACQUIRE_TIMEOUT_MS',
    'DATABASE_STATEMENT_TIMEOUT_MS',
    'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS',
  ] as const;

  it('default to bounded values', () => {
    const config = loadConfig(BaseServiceConfig, {});
    expect(config.DATABASE_CONNECT_TIMEOUT_MS).toBe(5_000);
    expect(config.DATABASE_POOL_ACQUIRE_TIMEOUT_MS).toBe(10_000);
    expect(config.DATABASE_STATEMENT_TIMEOUT_MS).toBe(15_000);
    expect(config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS).toBe(60_000);
  });

  it.each(TIMEOUTS)('%s reads whole milliseconds from the environment', (name) => {
    expect(loadConfig(BaseServiceConfig, { [name]: '250' })[name]).toBe(250);
    expect(loadConfig(BaseServiceConfig, { [name]: '2147483647' })[name]).toBe(2_147_483_647);
  });

  it.each(TIMEOUTS)('%s rejects 0, which pg and PostgreSQL read as "no timeout"', (name) => {
    expect(problemsOf({ [name]: '0' })).toEqual([
      `${name}: ${name} must be at least 1 (0 would disable the timeout) (got "0")`,
    ]);
  });

  it.each(TIMEOUTS)('%s rejects negative, fractional, non-numeric and too large values', (name) => {
    for (const value of ['-5', '1.5', 'soon']) {
      const problems = problemsOf({ [name]: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${name}: .*\\(got "${value}"\\)$`));
    }
    // Node fires a longer timer at once, and PostgreSQL refuses it.
    expect(problemsOf({ [name]: '2147483648' })).toEqual([
      `${name}: ${name} must be at most 2147483647 (got "2147483648")`,
    ]);
  });
});
