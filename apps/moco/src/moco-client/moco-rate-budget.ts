import { createHash, randomUUID } from 'node:crypto';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AppLogger } from '@crm/service-kit';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import { MocoConfig } from '../config/moco.config';

/**
 * Sliding log of the requests sent with one API key in the last window, shared by every moco instance. Atomic
 * (one script): drops the entries that left the window, then either records this request or answers how long
 * until the oldest one leaves. Redis's own clock is used, so instances with skewed clocks agree.
 */
const TAKE_SLOT_SCRIPT = `
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0, now}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, tonumber(oldest[2]) + window - now, now}
`;

/**
 * MOCO allows 120 requests per 2 minutes per account (external-apis.md 1.3). A window one second longer than
 * MOCO's covers the time a request takes to reach it, so MOCO never sees more than the limit in its window.
 */
const TRANSIT_MARGIN_MS = 1_000;
const POLL_CAP_MS = 1_000;
const CONNECT_WAIT_MS = 2_000;

type WithScript = Redis & {
  mocoTakeSlot(
    key: string,
    limit: number,
    windowMs: number,
    member: string,
  ): Promise<[number, number, number]>;
};

export class RateBudgetExhaustedError extends Error {
  constructor(readonly waitMs: number) {
    super(`MOCO request budget used up; next slot in ${waitMs} ms`);
  }
}

@Injectable()
export class MocoRateBudget implements OnModuleInit, OnModuleDestroy {
  private readonly client: WithScript;
  private readonly log: Logger;
  private lastWarnAt = 0;

  constructor(
    private readonly config: MocoConfig,
    logger: AppLogger,
  ) {
    this.log = logger.child('moco-rate-budget');
    const redis = new Redis(config.REDIS_URL, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 500,
      connectTimeout: 2_000,
      lazyConnect: false,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    // The URL may hold a password: never logged.
    redis.on('error', (error: Error) => this.warn('Redis connection error', error));
    redis.defineCommand('mocoTakeSlot', { numberOfKeys: 1, lua: TAKE_SLOT_SCRIPT });
    this.client = redis as WithScript;
  }

  /** Waits briefly for the first connection, so the first calls are counted too. */
  async onModuleInit(): Promise<void> {
    await this.ready();
  }

  onModuleDestroy(): void {
    this.client.disconnect();
  }

  /**
   * Waits for a request slot of this key. Throws RateBudgetExhaustedError when the slot would come after
   * `deadline` (the command goes back to the queue). Without Redis the call goes ahead: MOCO's own 429 and
   * Retry-After still hold us back.
   */
  async acquire(apiKey: string, deadline = Date.now() + this.config.MOCO_MAX_WAIT_MS): Promise<void> {
    const key = `${this.config.redisKeyPrefix()}budget:${createHash('sha256').update(apiKey).digest('hex').slice(0, 24)}`;
    for (;;) {
      let result: [number, number, number];
      try {
        await this.ready();
        result = await this.client.mocoTakeSlot(
          key,
          this.config.MOCO_RATE_LIMIT,
          this.config.MOCO_RATE_WINDOW_MS + TRANSIT_MARGIN_MS,
          randomUUID(),
        );
      } catch (error) {
        this.warn('MOCO request budget not enforced: Redis did not answer', error);
        return;
      }
      const [granted, waitMs] = result;
      if (granted === 1) return;
      if (Date.now() + waitMs > deadline) throw new RateBudgetExhaustedError(waitMs);
      // Another instance may free nothing sooner, but polling bounds the wait on a stale estimate.
      await sleep(Math.max(5, Math.min(waitMs, POLL_CAP_MS)));
    }
  }

  /** Resolves once connected, or after CONNECT_WAIT_MS (then the call fails and the budget is not enforced). */
  private async ready(): Promise<void> {
    if (this.client.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, CONNECT_WAIT_MS);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.client.once('ready', done);
    });
  }

  private warn(message: string, error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarnAt < 10_000) return;
    this.lastWarnAt = now;
    this.log.warn({ err: error instanceof Error ? { message: error.message } : undefined }, message);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
