import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import {
  FakeSlackServer,
  createTestDatabase,
  deleteNamespaceStreams,
  freePort,
  uniqueNamespace,
  type TestDatabase,
  NatsTestClient,
} from '@crm/testing';
import { bootstrap } from '../../src/main';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

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
  ) {}

  static async start(options: SlackHarnessOptions = {}): Promise<SlackHarness> {
    const fake = await FakeSlackServer.start();
    const db = await createTestDatabase('crm_slack');
    const namespace = uniqueNamespace('slack');
    const env: Record<string, string | undefined> = {
      DATABASE_URL: db.url,
      NATS_URL,
      NATS_NAMESPACE: namespace,
      SLACK_PORT: String(await freePort()),
      MESSAGING_BACKOFF_SCALE: '0.001',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      SLACK_WEBHOOK_URL: fake.webhookUrl(),
      SLACK_BOT_TOKEN: undefined,
      SLACK_API_URL: undefined,
      SLACK_WEBHOOK_CHANNELS: undefined,
      ...options.env?.(fake),
    };
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    const app = await bootstrap();
    const nats = await NatsTestClient.connect(namespace, NATS_URL);
    return new SlackHarness(app, fake, nats, db, namespace);
  }

  /** Reads the message log straight from the service's schema. */
  async messageLog(idempotencyKey: string): Promise<Record<string, unknown> | undefined> {
    const client = new Client({ connectionString: this.db.url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT * FROM slack.message_log WHERE idempotency_key = $1', [
        idempotencyKey,
      ]);
      return rows[0];
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    await this.app.close().catch(() => undefined);
    await this.nats.close().catch(() => undefined);
    await this.fake.close().catch(() => undefined);
    await this.db.drop().catch(() => undefined);
    await deleteNamespaceStreams(NATS_URL, this.namespace).catch(() => undefined);
  }
}
