import { createHash } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startInProcessService, type InProcessService, type TestDatabase } from '@crm/testing';
import { Client } from 'pg';
import { bootstrap } from '../../src/main';
import { GatewayRedis } from '../../src/redis/gateway-redis';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

const NO_RATE_LIMITS = {
  RATE_LIMIT_AUTH_PER_MINUTE: '0',
  RATE_LIMIT_USER_PER_MINUTE: '0',
  RATE_LIMIT_INGEST_PER_MINUTE: '0',
  RATE_LIMIT_API_KEY_PER_MINUTE: '0',
  RATE_LIMIT_SIGNED_PER_MINUTE: '0',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
};

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON with Content-Type application/json; a string is sent as is. */
  body?: unknown;
}

/** A gateway booted in-process against a fresh database and its own NATS namespace, plus a test-side NATS link. */
export class GatewayHarness {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly baseUrl: string,
    readonly namespace: string,
    readonly db: TestDatabase,
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    private readonly stopService: InProcessService<NestFastifyApplication>['stop'],
  ) {}

  static async start(env: Record<string, string> = {}): Promise<GatewayHarness> {
    const service = await startInProcessService({
      name: 'gw',
      // createTestDatabase's default prefix, so CI's stale-database cleanup finds leftovers of crashed runs.
      dbPrefix: 'crm_test',
      portEnv: 'GATEWAY_PORT',
      natsUrl: NATS_URL,
      env: {
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        // Rate limits off unless a test sets them (api.md §1.5); Redis keys are prefixed by the run's namespace.
        ...NO_RATE_LIMITS,
        ...env,
      },
      bootstrap,
    });
    const { app, port, namespace, db, stop } = service;
    let nc: NatsConnection | undefined;
    try {
      const connection = await connect({ servers: NATS_URL });
      nc = connection;
      const jsm = await jetstreamManager(connection);
      return new GatewayHarness(app, `http://127.0.0.1:${port}`, namespace, db, connection, jsm, stop);
    } catch (error) {
      // No harness for afterAll to close: stop the service and drop its database here.
      await stop(async () => nc?.close());
      throw error;
    }
  }

  /** The broker subject of a contract subject in this run's namespace. */
  subject(contractSubject: string): string {
    return `${this.namespace}.${contractSubject}`;
  }

  stream(name: string): string {
    return `${this.namespace.toUpperCase()}_${name}`;
  }

  async request<T = any>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (typeof options.body === 'string') body = options.body;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: options.method ?? 'GET',
      headers,
      body,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (HTML page, static file)
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  async streamMessageCount(name: string): Promise<number> {
    return (await this.jsm.streams.info(this.stream(name))).state.messages;
  }

  async sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.db.url });
    await client.connect();
    try {
      return (await client.query(query, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** The gateway's own Redis connection and key prefix. */
  get redis(): GatewayRedis {
    return this.app.get(GatewayRedis);
  }

  /** Removes every Redis key under this gateway's prefix. */
  async clearRedis(): Promise<void> {
    const { client, prefix } = this.redis;
    if (!this.redis.isUp()) return;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    await this.clearRedis().catch(() => undefined);
    await this.stopService(() => this.nc.close());
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
