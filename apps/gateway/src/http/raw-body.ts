import { Transform } from 'node:stream';
import type { FastifyInstance } from 'fastify';

/** Fastify route config of a route that needs its body's exact bytes (signed ingest, api.md §4.2). */
export const RAW_BODY_ROUTE_CONFIG = { rawBody: true } as const;

export interface RawBodyRequest {
  /** The body exactly as received, before any decoding; set on routes with RAW_BODY_ROUTE_CONFIG. */
  rawBody?: Buffer;
}

/**
 * Keeps the raw bytes of the bodies of RAW_BODY_ROUTE_CONFIG routes: the stream Fastify's own JSON parser reads
 * (limits, errors and all) passes through a copy on the way. Other routes get their stream untouched, so the
 * normal ingest path pays one property check.
 */
export function registerRawBodyCapture(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    const config = request.routeOptions.config as { rawBody?: boolean } | undefined;
    if (config?.rawBody !== true) return done(null, payload);
    const chunks: Buffer[] = [];
    const copy = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback(null, chunk);
      },
      flush(callback) {
        // concat copies: the parser must not keep views over the socket's read buffer.
        (request as RawBodyRequest).rawBody = Buffer.concat(chunks);
        callback();
      },
    });
    payload.on('error', (error: Error) => copy.destroy(error));
    done(null, payload.pipe(copy));
  });
}
