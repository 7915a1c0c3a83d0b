import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GatewayConfig } from '../config/gateway.config';
import { registerStaticFiles } from '../web-ui/static-files';
import { findWebDist } from '../web-ui/web-dist';
import { registerIdempotencyHooks } from '../idempotency/idempotency-hooks';
import { IdempotencyStore } from '../idempotency/idempotency.store';
import { setupOpenApi } from '../openapi/setup-openapi';
import { GatewayRedis } from '../redis/gateway-redis';
import { registerHttpHooks } from './http-hooks';
import { BULK_IMPORT_BODY_LIMIT_BYTES, BULK_IMPORT_ROUTE } from './http-limits';
import { registerRawBodyCapture } from './raw-body';

/** api.md §1.5: what browsers may send and read. */
const CORS_ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'X-API-Key',
  'Idempotency-Key',
  'X-Request-ID',
  'X-Correlation-ID',
  'X-Webhook-Signature',
  'X-Webhook-Timestamp',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
];
const CORS_EXPOSED_HEADERS = [
  'X-Total-Count',
  'X-Request-ID',
  'X-Correlation-ID',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'Retry-After',
  'Idempotency-Replayed',
];

/**
 * HTTP behaviour that lives below Nest's routing: ids and media types on every request, CORS, the OpenAPI
 * document at /docs, the built UI.
 */
export function configureHttp(app: NestFastifyApplication): void {
  const config = app.get(GatewayConfig);
  const fastify = app.getHttpAdapter().getInstance();
  registerHttpHooks(fastify);
  registerRawBodyCapture(fastify);
  // api.md §1.1: the bulk import takes up to 1000 rows with long messages; every other body stays at 1 MiB.
  fastify.addHook('onRoute', (route) => {
    if (route.url === BULK_IMPORT_ROUTE && [route.method].flat().includes('POST'))
      route.bodyLimit = BULK_IMPORT_BODY_LIMIT_BYTES;
  });
  registerIdempotencyHooks(
    app.getHttpAdapter().getInstance(),
    app.get(IdempotencyStore),
    app.get(GatewayRedis),
  );

  const origins = config.corsOrigins();
  if (origins !== false) {
    app.enableCors({
      origin: origins,
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
    });
  }

  setupOpenApi(app);

  // The SPA's files; `/` itself is answered by WebUiController, and a missing file is the usual 404 envelope.
  const webDist = findWebDist(config.WEB_DIST_DIR);
  if (webDist) registerStaticFiles(app.getHttpAdapter().getInstance(), webDist);
}
