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
