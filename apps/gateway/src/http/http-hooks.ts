import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayErrors } from './gateway-errors';
import { requestIdsOf, type GatewayRequest } from './gateway-request';
import type { RequestIds } from './request-ids';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return request.headers['transfer-encoding'] !== undefined;
}

/**
 * Request-level behaviour that must hold before Nest routing, for unknown routes and parser errors too:
 * the request/correlation ids on every response, and JSON-only bodies (415 before the body is read).
 */
export function registerHttpHooks(fastify: FastifyInstance): void {
  // Callback-style hooks: they run on every request, and an async hook costs a promise each time.
  fastify.addHook(
    'onRequest',
    (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
      const ids = idsOf(request);
      reply.header('X-Request-ID', ids.requestId);
      reply.header('X-Correlation-ID', ids.correlationId);

      if (BODY_METHODS.has(request.method) && hasBody(request)) {
        const contentType = request.headers['content-type'];
        if (!contentType || !JSON_MEDIA_TYPE.test(contentType))
          return done(GatewayErrors.unsupportedMediaType());
      }
      done();
    },
  );

  // Responses sent by hooks that run before ours (CORS preflights) carry the ids too.
  fastify.addHook(
    'onSend',
    (
      request: FastifyRequest,
      reply: FastifyReply,
      payload: unknown,
      done: (error: Error | null, payload: unknown) => void,
    ) => {
      if (!reply.hasHeader('X-Request-ID')) {
        const ids = idsOf(request);
        reply.header('X-Request-ID', ids.requestId);
        reply.header('X-Correlation-ID', ids.correlationId);
      }
      done(null, payload);
    },
  );
}

function idsOf(request: FastifyRequest): RequestIds {
  return requestIdsOf(request as unknown as GatewayRequest);
}
