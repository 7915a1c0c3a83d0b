import path from 'node:path';
import {
  createTestDatabase,
  deleteNamespaceStreams,
  freePort,
  startServiceProcess,
  uniqueNamespace,
  type ServiceProcess,
  type TestDatabase,
} from '@crm/testing';
import { SYSTEM_JWT_SECRET } from './member-token';

/** The services in start order: consumers first, the gateway (the public door) last. */
export const SERVICES = [
  { name: 'leads', portEnv: 'LEADS_PORT' },
  { name: 'scoring', portEnv: 'SCORING_PORT' },
  { name: 'automation', portEnv: 'AUTOMATION_PORT' },
  { name: 'slack', portEnv: 'SLACK_PORT' },
  { name: 'mailer', portEnv: 'MAILER_PORT' },
  { name: 'webhooks', portEnv: 'WEBHOOKS_PORT' },
  { name: 'cituro', portEnv: 'CITURO_PORT' },
  { name: 'moco', portEnv: 'MOCO_PORT' },
  { name: 'gateway', portEnv: 'GATEWAY_PORT' },
] as const;
export type ServiceKey = (typeof SERVICES)[number]['name'];

export const SYSTEM_API_KEY = 'e2e-system-key-0123456789';
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface SystemOptions {
  slackWebhookUrl?: string;
  /** the mailer's SMTP server (e.g. a FakeSmtpServer's url()); unset: the mailer runs without one. */
  smtpUrl?: string;
  /** extra environment for every service, or per service. */
  env?: Record<string, string>;
  /** arguments for every service's `node` (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  serviceEnv?: Partial<Record<ServiceKey, Record<string, string>>>;
  /** the services to start (in SERVICES order); default: all. A test of a few services starts only those. */
  services?: readonly ServiceKey[];
  /**
   * Start (and stop) the services all at once instead of one after the other: for services that do not talk to
   * each other over HTTP, whose start order therefore does not matter (each migrates its own schema).
   */
  concurrently?: boolean;
  echoLogs?: boolean;
}

/**
 * The whole system as separate OS processes on a fresh database and a private NATS namespace, built from
 * `apps/<service>/dist`. Talk to it over HTTP at `gatewayUrl`.
 */
export class RunningSystem {
  private constructor(
    readonly db: TestDatabase,
    readonly namespace: string,
    readonly ports: Record<ServiceKey, number>,
    private readonly processes: Map<ServiceKey, ServiceProcess>,
    private readonly envOf: (service: ServiceKey) => Record<string, string>,
    private readonly echoLogs: boolean,
    private readonly nodeArgs: string[] = [],
    private readonly concurrently = false,
  ) {}

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.ports.gateway}`;
  }

  static async start(options: SystemOptions = {}): Promise<RunningSystem> {
    const db = await createTestDatabase();
    const namespace = uniqueNamespace('sys');
    const ports = {} as Record<ServiceKey, number>;
    for (const service of SERVICES) ports[service.name] = await freePort();
    const envOf = (service: ServiceKey): Record<string, string> => ({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_NAMESPACE: namespace,
      LOG_LEVEL: process.env.SYSTEM_LOG_LEVEL ?? 'warn',
      HOST: '127.0.0.1',
      API_KEYS: `${SYSTEM_API_KEY}:*:events:write+read+write`,
      JWT_SECRET: SYSTEM_JWT_SECRET,
      // The tests poll and burst far faster than people do: limits stay on (and cost what they cost) but never
      // refuse; the gateway's own tests cover the refusals.
      ...Object.fromEntries(
        ['AUTH', 'USER', 'INGEST', 'API_KEY', 'SIGNED', 'ANONYMOUS'].map((c) => [
          `RATE_LIMIT_${c}_PER_MINUTE`,
          '10000000',
        ]),
      ),
      ...Object.fromEntries(SERVICES.map((s) => [s.portEnv, String(ports[s.name])])),
      ...(options.slackWebhookUrl ? { SLACK_WEBHOOK_URL: options.slackWebhookUrl } : {}),
      ...(options.smtpUrl ? { SMTP_URL: options.smtpUrl } : {}),
      ...options.env,
      ...options.serviceEnv?.[service],
    });
    const system = new RunningSystem(
      db,
      namespace,
      ports,
      new Map(),
      envOf,
      options.echoLogs ?? false,
      options.nodeArgs,
      options.concurrently ?? false,
    );
    const started = SERVICES.filter((s) => !options.services || options.services.includes(s.name));
    try {
      if (system.concurrently) await Promise.all(started.map((s) => system.startService(s.name)));
      else for (const service of started) await system.startService(service.name);
    } catch (error) {
      await system.stop();
      throw error;
    }
    return system;
  }

  async startService(service: ServiceKey): Promise<ServiceProcess> {
    const started = await startServiceProcess({
      name: service,
      cwd: path.join(REPO_ROOT, 'apps', service),
      entry: 'dist/main.js',
      nodeArgs: this.nodeArgs,
      env: this.envOf(service),
      readyUrl: `http://127.0.0.1:${this.ports[service]}/ready`,
      timeoutMs: 60_000,
      echo: this.echoLogs,
    });
    this.processes.set(service, started);
    return started;
  }

  /** kill -9: no shutdown hook runs, nothing is acked or flushed. */
  async crash(service: ServiceKey): Promise<void> {
    await this.processes.get(service)?.killHard();
    this.processes.delete(service);
  }

  /** The OS process id of a running service (for /proc readings in the benchmark). */
  pid(service: ServiceKey): number {
    const running = this.processes.get(service);
    if (!running) throw new Error(`${service} is not running`);
    return running.pid;
  }

  logs(service: ServiceKey): string {
    return this.processes.get(service)?.logs() ?? '';
  }

  async stop(): Promise<void> {
    const stopOne = async (service: ServiceKey): Promise<void> => {
      const running = this.processes.get(service);
      if (running) await running.kill('SIGTERM').catch(() => undefined);
      this.processes.delete(service);
    };
    if (this.concurrently) await Promise.all(SERVICES.map((s) => stopOne(s.name)));
    else for (const service of [...SERVICES].reverse()) await stopOne(service.name);
    await deleteNamespaceStreams('nats://127.0.0.1:4222', this.namespace).catch(() => undefined);
    await this.db.drop().catch(() => undefined);
  }
}
