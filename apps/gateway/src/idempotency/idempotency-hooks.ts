import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayRedis } from '../redis/gateway-redis';
import { IDEMPOTENCY_TTL_MS } from './idempotency-record';
import type { IdempotentRequest } from './idempotency.interceptor';
import type { IdempotencyStore } from './idempotency.store';

/**
 * Settles a claimed Idempotency-Key with the response as it is sent (any status, filters included): 5xx frees the
 * key for a retry, anything else is stored for 24 h. The response waits for it, so an immediate retry is
 * replayed rather than told "in progress". If Redis fails here the marker expires on its own.
 */
export function registerIdempotencyHooks(
  fastify: FastifyInstance,
  store: IdempotencyStore,
  redis: GatewayRedis,
): void {
  fastify.addHook(
    'onSend',
    (
      request: FastifyRequest,
      reply: FastifyReply,
      payload: unknown,
      done: (error: Error | null, payload: unknown) => void,
    ) => {
      const req = request as unknown as IdempotentRequest;
      const pending = req.idempotency;
      if (!pending) return done(null, payload);
      req.idempotency = undefined;

      const body =
        typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString() : null;
      const storable = reply.statusCode < 500 && (body !== null || payload === undefined || payload === null);
      const settled = storable
        ? store.complete(
            pending.id,
            pending.marker,
            {
              state: 'done',
              hash: pending.hash,
              status: reply.statusCode,
              content_type: contentType(reply),
              body: body ?? '',
            },
            IDEMPOTENCY_TTL_MS,
          )
        : store.release(pending.id, pending.marker);
      settled.then(
        () => done(null, payload),
        (error: unknown) => {
          redis.warn('could not settle an Idempotency-Key', error);
          done(null, payload);
        },
      );
    },
  );
}

function contentType(reply: FastifyReply): string | null {
  const value = reply.getHeader('content-type');
  return typeof value === 'string' ? value : null;
}
