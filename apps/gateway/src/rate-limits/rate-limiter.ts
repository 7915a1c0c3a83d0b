import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { GatewayRedis } from '../redis/gateway-redis';
import type { RateLimitTarget } from './rate-limit-target';
import { decide, SLIDING_WINDOW_SCRIPT, WINDOW_MS, type RateLimitDecision } from './sliding-window';

type ScriptResult = [number, number, number, number, number];
type WithWindowCommand = Redis & {
  rateLimitHit(key: string, limit: number, windowMs: number): Promise<ScriptResult>;
};

/** The only code that touches the rate-limit windows in Redis: one EVALSHA per counted request. */
@Injectable()
export class RateLimiter {
  private readonly client: WithWindowCommand;

  constructor(private readonly redis: GatewayRedis) {
    redis.client.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: SLIDING_WINDOW_SCRIPT });
    this.client = redis.client as WithWindowCommand;
  }

  /** Counts the request; null when Redis cannot answer, and then the request is let through (fail open). */
  async hit(target: RateLimitTarget): Promise<RateLimitDecision | null> {
    const key = `${this.redis.prefix}rl:${target.limitClass}:${target.subject}`;
    try {
      const [allowed, previous, current, nowMs, windowStartMs] = await this.client.rateLimitHit(
        key,
        target.limit,
        WINDOW_MS,
      );
      return decide({ allowed: allowed === 1, previous, current, nowMs, windowStartMs }, target.limit);
    } catch (error) {
      this.redis.warn('rate limits not enforced: Redis did not answer', error);
      return null;
    }
  }
}
