import { Controller, Injectable, Module, type INestApplication } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  ByIdQuery,
  Consumers,
  Queries,
  Subjects,
  type ConsumerDefinition,
  type LeadEventRecordedV1,
  type MessageEnvelope,
} from '@crm/contracts';
import {
  BaseServiceConfig,
  ConfigModule,
  DatabaseModule,
  HealthModule,
  LoggingModule,
  TransactionHost,
  bootstrapService,
  createDataSource,
  initializeDatabase,
} from '@crm/service-kit';
import { freePort } from '@crm/testing';
import {
  ContractValidationPipe,
  MessageContext,
  MessagingModule,
  MessagingTransport,
  OnEvent,
  OnRequest,
  Outbox,
  messagingEntities,
  messagingMigrations,
} from '../../src';

export const PROBE_SCHEMA = 'probe';

/** A short ack wait and fast backoff so crash and retry behaviour shows within seconds. */
export const probeConsumer: ConsumerDefinition = {
  ...Consumers.find((c) => c.durable === 'scoring-lead-event-recorded')!,
  maxDeliver: 4,
  backoffMs: [300, 600],
  ackWaitSeconds: 2,
  concurrency: 4,
};

export interface Delivery {
  messageId: string;
  deliveryCount: number;
  at: number;
}

/** What the test wants the handler to do; replaced per test. */
@Injectable()
export class Probe {
  deliveries: Delivery[] = [];
  onEvent: (envelope: MessageEnvelope<LeadEventRecordedV1>, ctx: MessageContext) => Promise<void> =
    async () => {};
  onRequest: (query: ByIdQuery) => Promise<unknown> = async (query) => ({ echo: query.id });
}

@Controller()
class ProbeMessageController {
  constructor(
    private readonly probe: Probe,
    private readonly tx: TransactionHost,
    private readonly outbox: Outbox,
  ) {}

  @OnEvent(Subjects.LeadEventRecorded)
  async handle(@Payload() envelope: MessageEnvelope<LeadEventRecordedV1>, @Ctx() ctx: MessageContext) {
    this.probe.deliveries.push({ messageId: envelope.id, deliveryCount: ctx.deliveryCount, at: Date.now() });
    // An effect in the handler's transaction: it must exist exactly once per message, whatever happens.
    await this.tx.manager.query(`INSERT INTO probe_effect (message_id) VALUES ($1)`, [envelope.id]);
    await this.probe.onEvent(envelope, ctx);
  }

  @OnRequest(Queries.LeadsGetLead)
  async get(@Payload(ContractValidationPipe) query: ByIdQuery) {
    return this.probe.onRequest(query);
  }
}

export async function startProbeApp(
  env: { databaseUrl: string; namespace: string },
  probe = new Probe(),
  consumers: ConsumerDefinition[] = [probeConsumer],
): Promise<{ app: INestApplication; probe: Probe }> {
  Object.assign(process.env, {
    DATABASE_URL: env.databaseUrl,
    NATS_NAMESPACE: env.namespace,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SHUTDOWN_TIMEOUT_MS: '2000',
  });
  const port = await freePort();

  @Module({
    imports: [
      ConfigModule.forRoot('scoring', BaseServiceConfig),
      LoggingModule.forRoot('scoring'),
      HealthModule.forRoot(),
      DatabaseModule.forRoot({
        schema: PROBE_SCHEMA,
        entities: messagingEntities,
        migrations: messagingMigrations,
      }),
      MessagingModule.forRoot({ service: 'scoring', consumers }),
    ],
    controllers: [ProbeMessageController],
    providers: [{ provide: Probe, useValue: probe }],
  })
  class ProbeAppModule {}

  const app = await bootstrapService({
    service: 'scoring',
    module: ProbeAppModule,
    port: () => port,
    host: () => '127.0.0.1',
    transports: (a) => [a.get(MessagingTransport)],
  });
  return { app, probe };
}

export function leadEventEnvelope(overrides: Partial<MessageEnvelope<LeadEventRecordedV1>> = {}) {
  const id = randomUUID();
  return {
    id,
    type: Subjects.LeadEventRecorded,
    occurred_at: new Date().toISOString(),
    producer: 'test',
    correlation_id: randomUUID(),
    causation_id: null,
    idempotency_key: null,
    data: {
      event_id: randomUUID(),
      lead_id: randomUUID(),
      lead_created: true,
      event_type: 'page_visited',
      event_category: null,
      source: 'website',
      occurred_at: new Date().toISOString(),
      metadata: {},
      campaign_id: null,
    },
    ...overrides,
  };
}

/** Direct SQL for assertions (the test is outside the service). */
export async function withDb<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Applies the messaging migrations without starting a service (state a crashed process left behind). */
export async function migrateProbeSchema(url: string): Promise<void> {
  const options = { schema: PROBE_SCHEMA, entities: messagingEntities, migrations: messagingMigrations };
  const dataSource = createDataSource(url, options, 2);
  await initializeDatabase(dataSource, url, PROBE_SCHEMA);
  await dataSource.destroy();
}

export async function createProbeTable(url: string): Promise<void> {
  await withDb(url, async (db) => {
    await db.query(`CREATE SCHEMA IF NOT EXISTS ${PROBE_SCHEMA}`);
    await db.query(`CREATE TABLE IF NOT EXISTS ${PROBE_SCHEMA}.probe_effect (message_id uuid NOT NULL)`);
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
