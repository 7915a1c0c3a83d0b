import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { Queries, type ActorRef, type SlackConfigView, type UpdateSlackConfigBody } from '@crm/contracts';
import {
  FakeSlackServer,
  NatsTestClient,
  startInProcessService,
  type InProcessService,
  type TestDatabase,
} from '@crm/testing';
import { bootstrap } from '../../src/main';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const ADMIN: ActorRef = { type: 'user', id: '00000000-0000-4000-8000-000000000001', name: 'Admin' };

export interface SlackHarnessOptions {
  /** environment for the service on top of the defaults (fake webhook, fast backoff). */
  env?: (fake: FakeSlackServer) => Record<string, string | undefined>;
}

/** One slack service in this process, on a fresh database and NATS namespace, talking to a fake Slack. */
export class SlackHarness {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly fake: FakeSlackServer,
    readonly nats: NatsTestClient,
    readonly db: TestDatabase,
    readonly namespace: string,
    private readonly stopService: InProcessService<NestFastifyApplication>['stop'],
  ) {}

  static async start(options: SlackHarnessOptions = {}): Promise<SlackHarness> {
    const fake = await FakeSlackServer.start();
    const service = await startInProcessService({
      name: 'slack',
      dbPrefix: 'crm_slack',
      portEnv: 'SLACK_PORT',
      natsUrl: NATS_URL,
      backoffScale: 0.001,
      env: {
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        SLACK_WEBHOOK_URL: fake.webhookUrl(),
        SLACK_BOT_TOKEN: undefined,
        SLACK_API_URL: undefined,
        SLACK_WEBHOOK_CHANNELS: undefined,
        ...options.env?.(fake),
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
    return new SlackHarness(service.app, fake, nats, service.db, service.namespace, service.stop);
  }

  /** Reads the message log straight from the service's schema. */
  async messageLog(idempotencyKey: string): Promise<Record<string, unknown> | undefined> {
    const [row] = await this.query('SELECT * FROM slack.message_log WHERE idempotency_key = $1', [
      idempotencyKey,
    ]);
    return row;
  }

  async query<T extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    const client = new Client({ connectionString: this.db.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** `PUT /integrations/slack/config` as the gateway sends it. */
  configure(body: UpdateSlackConfigBody): Promise<SlackConfigView> {
    return this.nats.request<SlackConfigView>(Queries.SlackUpdateConfig, { actor: ADMIN, body });
  }

  /** Closes the service, then the NATS link and the fake, then drops the database; the first failure is reported. */
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
