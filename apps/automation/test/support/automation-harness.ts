import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import {
  Queries,
  type DealStageChangedV1,
  type ReplaceStageTriggersCommand,
  type StageRef,
  type TriggerInput,
} from '@crm/contracts';
import {
  NatsTestClient,
  freePort,
  prepareServiceEnvironment,
  setProcessEnv,
  type TestDatabase,
} from '@crm/testing';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** Points the services started next in this process at one database and namespace. */
export function setServiceEnv(env: Record<string, string | undefined>): void {
  setProcessEnv(env);
}

export interface TestInfra {
  db: TestDatabase;
  namespace: string;
  nats: NatsTestClient;
  /** Reads a table of a service's schema directly. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  cleanup(apps: (NestFastifyApplication | undefined)[]): Promise<void>;
}

/** A database and namespace for the services a test then bootstraps itself (automation, and slack alongside). */
export async function startInfra(prefix: string): Promise<TestInfra> {
  const environment = await prepareServiceEnvironment({
    name: prefix,
    dbPrefix: `crm_${prefix}`,
    portEnv: 'AUTOMATION_PORT',
    natsUrl: NATS_URL,
    backoffScale: 0.001,
    env: {
      SLACK_PORT: String(await freePort()),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    },
  });
  const { db, namespace } = environment;
  const nats = await NatsTestClient.connect(namespace, NATS_URL).catch(async (error: unknown) => {
    await environment.dispose();
    throw error;
  });
  return {
    db,
    namespace,
    nats,
    async query<T>(sql: string, params: unknown[] = []) {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    },
    /**
     * Closes the apps (each closes its pool) and the NATS link, and only then drops the database. Every step runs;
     * the first failure is reported, not swallowed.
     */
    async cleanup(apps) {
      const closed = await Promise.allSettled([...apps.map((app) => app?.close()), nats.close()]);
      const failures = closed.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      await environment.dispose().catch((error: unknown) => failures.push(error));
      if (failures.length) throw failures[0];
    },
  };
}

export interface Stage extends StageRef {
  pipeline_name: string;
}

export function newStage(
  name: string,
  pipelineId: string = randomUUID(),
  pipelineName = 'B2B Lab Enablement',
): Stage {
  return { id: randomUUID(), name, pipeline_id: pipelineId, pipeline_name: pipelineName };
}

export function saveTriggers(
  nats: NatsTestClient,
  stage: Stage,
  triggers: Partial<TriggerInput>[],
  options: { validateOnly?: boolean } = {},
) {
  const command: ReplaceStageTriggersCommand = {
    actor: { type: 'user', id: randomUUID(), name: null },
    stage: { id: stage.id, name: stage.name, pipeline_id: stage.pipeline_id },
    body: { triggers: triggers as TriggerInput[] },
    ...(options.validateOnly ? { validate_only: true } : {}),
  };
  return nats.request<{
    success: true;
    stage_id: string;
    triggers_count: number;
    configured_triggers: { id: string }[];
  }>(Queries.AutomationReplaceStageTriggers, command);
}

/** A stage change as leads publishes it: the deal moved from `from` (null on creation) into `to`. */
export function stageChanged(
  from: Stage | null,
  to: Stage,
  overrides: {
    deal?: Partial<DealStageChangedV1['deal']>;
    lead?: Partial<DealStageChangedV1['lead']>;
  } & Partial<Omit<DealStageChangedV1, 'deal' | 'lead'>> = {},
): DealStageChangedV1 {
  const { deal, lead, ...rest } = overrides;
  return {
    deal_id: randomUUID(),
    lead_id: randomUUID(),
    pipeline_id: to.pipeline_id,
    stage_history_id: randomUUID(),
    from_stage_id: from?.id ?? null,
    from_stage_slug: from ? from.name.toLowerCase() : null,
    to_stage_id: to.id,
    to_stage_slug: to.name.toLowerCase(),
    to_stage_type: 'consideration',
    status: 'open',
    moved_by: { type: 'user', id: randomUUID(), name: null },
    reason: 'move',
    time_in_previous_stage_seconds: from ? 3600 : null,
    occurred_at: new Date().toISOString(),
    deal: { name: 'Acme Lab Rollout', value: 15000, currency: 'EUR', assigned_to: null, ...deal },
    lead: {
      email: 'ada@example.com',
      first_name: 'Ada',
      last_name: 'Lovelace',
      source: 'website',
      primary_intent: 'b2b',
      ...lead,
    },
    pipeline_name: to.pipeline_name,
    to_stage_name: to.name,
    ...rest,
  };
}
