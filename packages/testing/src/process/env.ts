/** Applies `overrides` to `env` in place: a string sets the variable, undefined removes it. */
export function applyEnv(
  env: NodeJS.ProcessEnv,
  overrides: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Sets (or, for undefined values, removes) variables of this process's environment. */
export function setProcessEnv(overrides: Record<string, string | undefined>): void {
  applyEnv(process.env, overrides);
}
