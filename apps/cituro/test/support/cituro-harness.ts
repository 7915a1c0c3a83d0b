import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { Queries, type ActorRef, type CituroConfigView, type UpdateCituroConfigBody } from '@crm/contracts';
import {
  FAKE_CITURO_API_KEY,
  FakeCituroServer,
  NatsTestClient,
  startInProcessService,
  type InProcessService,
  type TestDatabase,
} from '@crm/testing';
import { bootstrap } from '../../src/main';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const ADMIN: ActorRef = { type: 'user', id: '00000000-0000-4000-8000-000000000001', name: 'Admin' };
export const WEBHOOK_SECRET = 'whs_0f1e2d3c4b5a69788796a5b4c3d2e1f0';
export const BOOKING_URL = 'https://book.cituro.com/dna-me-demo';

/** One cituro service in this process, on a fresh database and NATS namespace, talking to a fake Cituro. */
export class CituroHarness {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly fake: FakeCituroServer,
    readonly nats: NatsTestClient,
    readonly db: TestDatabase,
    private readonly stopService: InProcessService<NestFastifyApplication>['stop'],
  ) {}

  static async start(): Promise<CituroHarness> {
    const fake = await FakeCituroServer.start();
    const service = await startInProcessService({
      name: 'cituro',
      dbPrefix: 'crm_cituro',
      portEnv: 'CITURO_PORT',
      natsUrl: NATS_URL,
      backoffScale: 0.001,
      env: {
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        CITURO_HTTP_TIMEOUT_MS: '500',
        CITURO_RETRY_BASE_MS: '1',
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
    return new CituroHarness(service.app, fake, nats, service.db, service.stop);
  }

  /** `PUT /integrations/cituro/config` as the gateway sends it. */
  configure(body: UpdateCituroConfigBody): Promise<CituroConfigView> {
    return this.nats.request<CituroConfigView>(Queries.CituroUpdateConfig, { actor: ADMIN, body });
  }

  /** A complete, enabled configuration pointing at the fake. */
  configureFully(): Promise<CituroConfigView> {
    return this.configure({
      api_key: FAKE_CITURO_API_KEY,
      base_url: this.fake.url,
      webhook_secret: WEBHOOK_SECRET,
      booking_url: BOOKING_URL,
      enabled: true,
    });
  }

  async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.db.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
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
