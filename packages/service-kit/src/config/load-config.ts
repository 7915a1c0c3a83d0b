import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment into `cls`; throws ConfigError naming every bad variable. */
export function loadConfig<T extends object>(
  cls: ClassConstructor<T>,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(cls, present, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: false, validationError: { target: false } });
  if (errors.length) {
    throw new ConfigError(
      errors.map((e) => {
        const raw = env[e.property];
        const shown = /SECRET|KEY|TOKEN|PASS|URL/i.test(e.property)
          ? '(hidden)'
          : JSON.stringify(raw ?? e.value);
        return `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')} (got ${shown})`;
      }),
    );
  }
  return config;
}
