import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import {
  FakeWebhookReceiver,
  NatsTestClient,
  freePort,
  setProcessEnv,
  startInProcessService,
  type InProcessService,
  type TestDatabase,
} from '@crm/testing';
import { bootstrap } from '../../src/main';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** One webhooks service in this process, on a fresh database and NATS namespace, posting to a fake receiver. */
export class WebhooksHarness {
  private readonly extraApps: NestFastifyApplication[] = [];

  private constructor(
    readonly app: NestFastifyApplication,
    readonly receiver: FakeWebhookReceiver,
    readonly nats: NatsTestClient,
    readonly db: TestDatabase,
    private readonly stopService: InProcessService<NestFastifyApplication>['stop'],
  ) {}

  static async start(env: Record<string, string | undefined> = {}): Promise<WebhooksHarness> {
    const receiver = await FakeWebhookReceiver.start();
    const service = await startInProcessService({
      name: 'webhooks',
      dbPrefix: 'crm_webhooks',
      portEnv: 'WEBHOOKS_PORT',
      natsUrl: NATS_URL,
      backoffScale: 0.00001,
      env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', WEBHOOKS_POLL_INTERVAL_MS: '100', ...env },
      bootstrap,
    }).catch(async (error: unknown) => {
      await receiver.close();
      throw error;
    });
    const nats = await NatsTestClient.connect(service.namespace, NATS_URL).catch(async (error: unknown) => {
      await service.stop(() => receiver.close());
      throw error;
    });
    return new WebhooksHarness(service.app, receiver, nats, service.db, service.stop);
  }

  /** A second instance of the service on the same database and namespace (another port). */
  async startAnotherInstance(): Promise<NestFastifyApplication> {
    setProcessEnv({ WEBHOOKS_PORT: String(await freePort()) });
    const app = await bootstrap();
    this.extraApps.push(app);
    return app;
  }

  request<T>(subject: Parameters<NatsTestClient['request']>[0], data: unknown): Promise<T> {
    return this.nats.request<T>(subject, data);
  }

  /** Runs SQL straight against the service's schema. */
  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.db.url });
    await client.connect();
    try {
      await client.query('SET search_path TO webhooks');
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    for (const app of this.extraApps) await app.close().catch(() => undefined);
    await this.stopService(async () => {
      try {
        await this.nats.close();
      } finally {
        await this.receiver.close();
      }
    });
  }
}
