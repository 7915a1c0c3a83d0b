import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { GatewayRedis } from '../redis/gateway-redis';
import { decodeRecord, encodeRecord, type IdempotencyRecord } from './idempotency-record';

/** Replaces (or, with an empty value, deletes) the record only while it is still the caller's in-flight marker. */
const SETTLE_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
`;

type WithSettle = Redis & {
  idempotencySettle(key: string, expected: string, next: string, ttlMs: number): Promise<number>;
};

/** The only code that touches idempotency records in Redis. Errors propagate: callers choose the fallback. */
@Injectable()
export class IdempotencyStore {
  private readonly client: WithSettle;

  constructor(private readonly redis: GatewayRedis) {
    redis.client.defineCommand('idempotencySettle', { numberOfKeys: 1, lua: SETTLE_SCRIPT });
    this.client = redis.client as WithSettle;
  }

  /** Claims the key with an in-flight marker (one SET NX GET); the record already there, or null if claimed. */
  async claim(id: string, marker: string, ttlMs: number): Promise<IdempotencyRecord | null> {
    const existing = await this.client.set(this.key(id), marker, 'PX', ttlMs, 'NX', 'GET');
    return existing === null ? null : decodeRecord(existing);
  }

  /** Stores the response in place of the caller's marker. */
  async complete(id: string, marker: string, record: IdempotencyRecord, ttlMs: number): Promise<void> {
    await this.client.idempotencySettle(this.key(id), marker, encodeRecord(record), ttlMs);
  }

  /** Drops the caller's marker, so a retry can run (after a 5xx). */
  async release(id: string, marker: string): Promise<void> {
    await this.client.idempotencySettle(this.key(id), marker, '', 0);
  }

  private key(id: string): string {
    return `${this.redis.prefix}idem:${id}`;
  }
}
