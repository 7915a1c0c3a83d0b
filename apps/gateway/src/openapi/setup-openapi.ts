import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { buildOpenApiDocument } from './openapi-document';

/** The UI; its assets live under it, and the SPA's `/*` files never shadow these more specific routes. */
export const DOCS_PATH = '/docs';
/** The document itself; `/docs/json` is the name api.md §1.1 gives it. */
export const DOCS_JSON_PATHS = ['/docs/openapi.json', '/docs/json'] as const;

/**
 * Serves the OpenAPI document (public and read-only, like the contract it describes; no Nest route, so no
 * guard or rate limit applies) and its Swagger UI. The document is built and serialised once, here at boot.
 */
export function setupOpenApi(app: NestFastifyApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(DOCS_PATH, app, document, {
    raw: false,
    customSiteTitle: 'DNA Marketing Engine API',
    swaggerOptions: { persistAuthorization: false },
  });
  const json = JSON.stringify(document);
  const fastify = app.getHttpAdapter().getInstance();
  for (const path of DOCS_JSON_PATHS) {
    fastify.get(path, (_request, reply) => {
      void reply
        .header('Content-Type', 'application/json; charset=utf-8')
        .header('Cache-Control', 'no-cache')
        .send(json);
    });
  }
}
