import type { SystemProbe } from './invariants';
import { SERVICES, type RunningSystem } from './system';

const LOG_LINES_PER_SERVICE = 60;

/**
 * What a failed system test needs to be understood from the CI output alone: each service's readiness
 * answer and last log lines, and what every connection of the test database is doing.
 */
export async function describeSystemState(system: RunningSystem, probe: SystemProbe): Promise<string> {
  const sections: string[] = [];
  const activity = await probe
    .query<Record<string, unknown>>(
      `SELECT application_name, state, wait_event_type, wait_event,
              round(extract(epoch FROM now() - state_change))::int AS state_seconds,
              left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
         FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
        ORDER BY application_name, state`,
    )
    .catch((error) => [{ error: String(error) }]);
  sections.push(`--- database connections ---\n${activity.map((row) => JSON.stringify(row)).join('\n')}`);
  for (const { name } of SERVICES) {
    const ready = await fetch(`http://127.0.0.1:${system.ports[name]}/ready`, {
      signal: AbortSignal.timeout(3_000),
    })
      .then(async (response) => `${response.status} ${await response.text()}`)
      .catch((error) => String(error));
    const logs = system.logs(name).split('\n').slice(-LOG_LINES_PER_SERVICE).join('\n');
    sections.push(`--- ${name}: /ready ${ready}\n${logs}`);
  }
  return sections.join('\n');
}

/** Runs `wait`; when it fails, the error carries the system's state at that moment. */
export async function withSystemStateOnFailure<T>(
  system: RunningSystem,
  probe: SystemProbe,
  wait: () => Promise<T>,
): Promise<T> {
  try {
    return await wait();
  } catch (error) {
    const state = await describeSystemState(system, probe).catch((e) => `(state unavailable: ${e})`);
    if (error instanceof Error) {
      error.message = `${error.message}\n${state}`;
      throw error;
    }
    throw new Error(`${String(error)}\n${state}`);
  }
}
