import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import {
  FakeSmtpServer,
  NatsTestClient,
  startInProcessService,
  type InProcessService,
  type TestDatabase,
} from '@crm/testing';
import { bootstrap } from '../../src/main';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const MAIL_FROM_DOMAIN = 'mailer.test';

/** One mailer service in this process, on a fresh database and NATS namespace, sending to a fake SMTP server. */
export class MailerHarness {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly smtp: FakeSmtpServer,
    readonly nats: NatsTestClient,
    readonly db: TestDatabase,
    private readonly stopService: InProcessService<NestFastifyApplication>['stop'],
  ) {}

  /** `env` adds to (or, with undefined, removes from) the defaults: the fake's SMTP_URL, short timeouts. */
  static async start(env: Record<string, string | undefined> = {}): Promise<MailerHarness> {
    const smtp = await FakeSmtpServer.start();
    const service = await startInProcessService({
      name: 'mailer',
      dbPrefix: 'crm_mailer',
      portEnv: 'MAILER_PORT',
      natsUrl: NATS_URL,
      backoffScale: 0.001,
      env: {
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        SMTP_URL: smtp.url(),
        SMTP_HOST: undefined,
        MAIL_FROM: `DNA ME CRM <crm@${MAIL_FROM_DOMAIN}>`,
        SMTP_CONNECTION_TIMEOUT_MS: '2000',
        SMTP_SOCKET_TIMEOUT_MS: '2000',
        ...env,
      },
      bootstrap,
    }).catch(async (error: unknown) => {
      await smtp.close();
      throw error;
    });
    const nats = await NatsTestClient.connect(service.namespace, NATS_URL).catch(async (error: unknown) => {
      await service.stop(() => smtp.close());
      throw error;
    });
    return new MailerHarness(service.app, smtp, nats, service.db, service.stop);
  }

  /** Runs SQL against the service's database (to read the delivery log, or to inject a fault). */
  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.db.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async delivery(idempotencyKey: string): Promise<Record<string, unknown> | undefined> {
    const [row] = await this.query('SELECT * FROM mailer.email_delivery WHERE idempotency_key = $1', [
      idempotencyKey,
    ]);
    return row;
  }

  /**
   * Makes the next `times` writes that mark this key's delivery `sent` fail, as a lost database connection
   * would after the SMTP server took the email. A sequence counts them (a rollback does not undo it).
   */
  async failSentWrite(idempotencyKey: string, times = 1): Promise<void> {
    const name = `fault_${Math.random().toString(36).slice(2, 10)}`;
    await this.query(`CREATE SEQUENCE mailer.${name}`);
    await this.query(`
      CREATE FUNCTION mailer.${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.idempotency_key = '${idempotencyKey.replace(/'/g, "''")}' AND NEW.status = 'sent'
           AND nextval('mailer.${name}') <= ${times} THEN
          RAISE EXCEPTION 'test fault: delivery write refused';
        END IF;
        RETURN NEW;
      END $$`);
    await this.query(
      `CREATE TRIGGER ${name} BEFORE UPDATE ON mailer.email_delivery FOR EACH ROW EXECUTE FUNCTION mailer.${name}()`,
    );
  }

  /** Closes the service, then the NATS link and the fake, then drops the database. */
  async stop(): Promise<void> {
    await this.stopService(async () => {
      try {
        await this.nats.close();
      } finally {
        await this.smtp.close();
      }
    });
  }
}
