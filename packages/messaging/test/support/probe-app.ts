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
  type LeadScoredV1,
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
import {
  NatsTestClient,
  createTestDatabase,
  deleteNamespaceStreams,
  freePort,
  uniqueNamespace,
  type TestDatabase,
} from '@crm/testing';
import {
  ContractValidationPipe,
  BatchContext,
  MessageContext,
  MessagingModule,
  MessagingTransport,
  OnEvent,
  OnEventBatch,
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

/** A batch consumer: batches of up to 8, collected for up to 50 ms, so tests see several messages per batch. */
export const batchProbeConsumer: ConsumerDefinition = {
  ...Consumers.find((c) => c.durable === 'leads-lead-scored')!,
  maxDeliver: 3,
  backoffMs: [200, 400],
  ackWaitSeconds: 2,
  batch: { size: 8, waitMs: 50 },
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
  /** Each batch handed to the batch handler: its envelope ids in the order given. */
  batches: string[][] = [];
  onBatch: (envelopes: MessageEnvelope<LeadScoredV1>[], ctx: BatchContext) => Promise<void> = async () => {};
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

@Controller()
class ProbeBatchMessageController {
  constructor(
    private readonly probe: Probe,
    private readonly tx: TransactionHost,
  ) {}

  @OnEventBatch(Subjects.LeadScored)
  async handle(@Payload() envelopes: MessageEnvelope<LeadScoredV1>[], @Ctx() ctx: BatchContext) {
    this.probe.batches.push(envelopes.map((e) => e.id));
    // Effects in the batch's transaction: each must exist exactly once per message, whatever happens.
    await this.tx.manager.query(`INSERT INTO probe_effect (message_id) SELECT unnest($1::uuid[])`, [
      envelopes.map((e) => e.id),
    ]);
    await this.probe.onBatch(envelopes, ctx);
  }
}

export async function startProbeApp(
  env: { databaseUrl: string; namespace: string },
  probe = new Probe(),
  consumers: ConsumerDefinition[] = [probeConsumer, batchProbeConsumer],
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
    controllers: [ProbeMessageController, ProbeBatchMessageController],
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

function probeEnvelope<T>(type: string, data: T) {
  return {
    id: randomUUID(),
    type,
    occurred_at: new Date().toISOString(),
    producer: 'test',
    correlation_id: randomUUID(),
    causation_id: null,
    idempotency_key: null,
    data,
  };
}

export function leadEventEnvelope(overrides: Partial<MessageEnvelope<LeadEventRecordedV1>> = {}) {
  return {
    ...probeEnvelope(Subjects.LeadEventRecorded, {
      event_id: randomUUID(),
      lead_id: randomUUID(),
      lead_created: true,
      event_type: 'page_visited',
      event_category: null,
      source: 'website',
      occurred_at: new Date().toISOString(),
      metadata: {},
      campaign_id: null,
    }),
    ...overrides,
  };
}

export function leadScoredEnvelope(leadId = randomUUID(), version = 1) {
  return probeEnvelope(Subjects.LeadScored, {
    lead_id: leadId,
    version,
    scores: { demographic: 0, engagement: 0, behavior: version, total: version },
    previous_total: version - 1,
    tier: 'cold',
    previous_tier: 'cold',
    tier_changed: false,
    reason: 'event',
    event_id: randomUUID(),
    points_applied: 1,
    scored_at: new Date().toISOString(),
  });
}

/**
 * Per test: a fresh database with the probe table, a NATS namespace, a broker client, and the probe apps
 * started in it (closed afterwards). Registers its own beforeEach/afterEach.
 */
export function useProbeTestBed(prefix: string) {
  const bed = {
    db: undefined as unknown as TestDatabase,
    namespace: '',
    broker: undefined as unknown as NatsTestClient,
    apps: [] as INestApplication[],
    async start(probe = new Probe(), consumers?: ConsumerDefinition[]) {
      const started = await startProbeApp(
        { databaseUrl: bed.db.url, namespace: bed.namespace },
        probe,
        consumers,
      );
      bed.apps.push(started.app);
      return started;
    },
    deadLetters: () =>
      withDb(
        bed.db.url,
        async (c) => (await c.query(`SELECT * FROM ${PROBE_SCHEMA}.dead_letter ORDER BY created_at`)).rows,
      ),
  };
  beforeEach(async () => {
    bed.db = await createTestDatabase();
    bed.namespace = uniqueNamespace(prefix);
    await createProbeTable(bed.db.url);
    bed.broker = await NatsTestClient.connect(bed.namespace);
  });
  afterEach(async () => {
    await Promise.all(bed.apps.splice(0).map((app) => app.close().catch(() => undefined)));
    await bed.broker.close();
    await deleteNamespaceStreams('nats://127.0.0.1:4222', bed.namespace);
    await bed.db.drop();
  });
  return bed;
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
