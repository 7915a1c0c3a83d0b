import { createTestDatabase, type TestDatabase } from '../db/test-database';
import { deleteNamespaceStreams, uniqueNamespace } from '../nats/test-namespace';
import { setProcessEnv } from './env';
import { freePort } from './free-port';

const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
/** Redelivery backoff a hundred times faster than in production, so retry paths finish within a test. */
const DEFAULT_BACKOFF_SCALE = 0.01;

export interface ServiceEnvironmentOptions {
  /** Prefix of the NATS namespace and, unless `dbPrefix` is given, of the test database's name. */
  name: string;
  /** Prefix of the test database's name (see `createTestDatabase`); defaults to `name`. */
  dbPrefix?: string;
  /** The variable that receives a free port, e.g. `LEADS_PORT`. */
  portEnv: string;
  /** Further variables, applied over the defaults (so they may replace them); undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** MESSAGING_BACKOFF_SCALE; default 0.01. */
  backoffScale?: number;
  /** Default: this process's NATS_URL, else the local server. */
  natsUrl?: string;
}

/** A fresh database and NATS namespace, with `process.env` pointing the next service started in-process at them. */
export interface ServiceEnvironment {
  db: TestDatabase;
  namespace: string;
  natsUrl: string;
  /** The free port written to `portEnv`. */
  port: number;
  /** Drops the database and deletes the namespace's streams; attempts both, then rejects with the first failure. */
  dispose(): Promise<void>;
}

export interface InProcessServiceOptions<App> extends ServiceEnvironmentOptions {
  /** The service's exported entry point; called once the environment is set. */
  bootstrap: () => Promise<App>;
}

export interface InProcessService<App> {
  app: App;
  db: TestDatabase;
  namespace: string;
  natsUrl: string;
  port: number;
  /**
   * Closes the app, runs `afterAppClose` (the place to close the test's own database and NATS clients), drops the
   * database and deletes the namespace's streams. Every step runs even if an earlier one fails; the promise then
   * rejects with the first failure. Later calls return the first call's promise.
   */
  stop(afterAppClose?: () => Promise<unknown>): Promise<void>;
}

/**
 * Creates a test database and a NATS namespace, then sets DATABASE_URL, NATS_URL, NATS_NAMESPACE, `portEnv` (a free
 * port), MESSAGING_BACKOFF_SCALE and LOG_LEVEL (kept if set, else `warn`), then `env`. If a step fails, whatever
 * was created is removed again before the error is rethrown.
 */
export async function prepareServiceEnvironment(
  options: ServiceEnvironmentOptions,
): Promise<ServiceEnvironment> {
  const natsUrl = options.natsUrl ?? process.env.NATS_URL ?? DEFAULT_NATS_URL;
  const namespace = uniqueNamespace(options.name);
  const db = await createTestDatabase(options.dbPrefix ?? options.name);
  const dispose = () => runAll([() => db.drop(), () => deleteNamespaceStreams(natsUrl, namespace)]);
  try {
    const port = await freePort();
    setProcessEnv({
      DATABASE_URL: db.url,
      NATS_URL: natsUrl,
      NATS_NAMESPACE: namespace,
      [options.portEnv]: String(port),
      MESSAGING_BACKOFF_SCALE: String(options.backoffScale ?? DEFAULT_BACKOFF_SCALE),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...options.env,
    });
    return { db, namespace, natsUrl, port, dispose };
  } catch (err) {
    await dispose().catch(() => undefined);
    throw err;
  }
}

/**
 * Starts a service in this process (see `prepareServiceEnvironment` for the environment it gets). If `bootstrap`
 * throws, the database and the namespace's streams are removed before the error is rethrown.
 */
export async function startInProcessService<App extends { close(): Promise<void> }>(
  options: InProcessServiceOptions<App>,
): Promise<InProcessService<App>> {
  const { bootstrap, ...environmentOptions } = options;
  const environment = await prepareServiceEnvironment(environmentOptions);
  let app: App;
  try {
    app = await bootstrap();
  } catch (err) {
    await environment.dispose().catch(() => undefined);
    throw err;
  }
  const { db, namespace, natsUrl, port } = environment;
  let stopped: Promise<void> | undefined;
  return {
    app,
    db,
    namespace,
    natsUrl,
    port,
    stop: (afterAppClose) =>
      (stopped ??= runAll([
        () => app.close(),
        afterAppClose ?? (async () => undefined),
        environment.dispose,
      ])),
  };
}

/** Runs every step in order, even after a failure; then rejects with the first failure, if any. */
async function runAll(steps: (() => Promise<unknown>)[]): Promise<void> {
  let failure: { error: unknown } | undefined;
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}
