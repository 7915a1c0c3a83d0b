import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import {
  FAKE_MOCO_API_KEY,
  FakeMocoServer,
  NatsTestClient,
  startInProcessService,
  type FakeMocoStartOptions,
  type InProcessService,
  type TestDatabase,
} from '@crm/testing';
import { bootstrap } from '../../src/main';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const WEBHOOK_KEY = '0123456789abcdef0123456789abcdef';

/** One moco service in this process, on a fresh database, NATS namespace and Redis prefix, talking to a fake MOCO. */
export class MocoHarness {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly fake: FakeMocoServer,
    readonly nats: NatsTestClient,
    readonly db: TestDatabase,
    readonly namespace: string,
    private readonly stopService: InProcessService<NestFastifyApplication>['stop'],
  ) {}

  static async start(
    options: { fake?: FakeMocoStartOptions; env?: Record<string, string | undefined> } = {},
  ): Promise<MocoHarness> {
    const fake = await FakeMocoServer.start(options.fake);
    const service = await startInProcessService({
      name: 'moco',
      dbPrefix: 'crm_moco',
      portEnv: 'MOCO_PORT',
      natsUrl: NATS_URL,
      backoffScale: 0.001,
      env: {
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        MOCO_BASE_URL: fake.baseUrl,
        MOCO_API_KEY: FAKE_MOCO_API_KEY,
        MOCO_WEBHOOK_KEYS: WEBHOOK_KEY,
        MOCO_HTTP_TIMEOUT_MS: '1000',
        MOCO_BACKOFF_MS: '50',
        MOCO_STATUS_CACHE_MS: '0',
        // The suites send far more than MOCO's 120 per 2 min; rate-budget.int-spec.ts tests the budget itself.
        MOCO_RATE_LIMIT: '100000',
        REDIS_KEY_PREFIX: undefined,
        ...options.env,
      },
      bootstrap,
    }).catch(async (error: unknown) => {
      await fake.close();
      throw error;
    });
    const nats = await NatsTestClient.connect(service.namespace, NATS_URL).catch(async (error: unknown) => {
      await service.stop(() => fake.close());
      throw error;
    });
    return new MocoHarness(service.app, fake, nats, service.db, service.namespace, service.stop);
  }

  async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.db.url });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    await this.stopService(async () => {
      try {
        await this.nats.close();
      } finally {
        await this.fake.close();
      }
    });
  }
}
