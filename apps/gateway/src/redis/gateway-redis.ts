import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AppLogger } from '@crm/service-kit';
import Redis from 'ioredis';
import { GatewayConfig } from '../config/gateway.config';

/** A command that does not answer within this is treated like Redis being down (never a hung request). */
const COMMAND_TIMEOUT_MS = 500;
/** How long the start waits for a first connection before serving without Redis (it keeps reconnecting). */
const CONNECT_WAIT_MS = 2000;
/** One warning per this interval while Redis is unreachable, not one per request. */
const WARN_INTERVAL_MS = 10_000;

/**
 * The gateway's Redis connection, shared by rate limits and idempotency (api.md §1.5). Commands fail at once
 * while disconnected (no offline queue), so callers can apply their documented fallback instead of waiting.
 */
@Injectable()
export class GatewayRedis implements OnModuleInit, OnModuleDestroy {
  readonly client: Redis;
  readonly prefix: string;
  private readonly log: ReturnType<AppLogger['child']>;
  private lastWarnAt = 0;

  constructor(config: GatewayConfig, logger: AppLogger) {
    this.log = logger.child('redis');
    this.prefix = config.redisKeyPrefix();
    this.client = new Redis(config.REDIS_URL, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_WAIT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      // Every request counts itself in Redis: the counts of requests arriving together go out in one write.
      enableAutoPipelining: true,
    });
    // Without a listener ioredis reports connection errors as unhandled; the URL may hold a password: not logged.
    this.client.on('error', (error: Error) => this.warn('Redis connection error', error));
  }

  async onModuleInit(): Promise<void> {
    if (this.isUp()) return;
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), CONNECT_WAIT_MS);
      this.client.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!ready)
      this.warn('Redis not reachable at start: rate limits are off and idempotent POSTs get 503 until it is');
  }

  async onModuleDestroy(): Promise<void> {
    this.client.disconnect();
  }

  isUp(): boolean {
    return this.client.status === 'ready';
  }

  /** Logs a Redis problem at most once per interval (a down Redis would otherwise log on every request). */
  warn(message: string, error?: unknown): void {
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_INTERVAL_MS) return;
    this.lastWarnAt = now;
    this.log.warn({ err: error instanceof Error ? { message: error.message } : undefined }, message);
  }
}
