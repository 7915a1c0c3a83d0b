import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayHarness } from './support/gateway-harness';
import {
  apiMdRoutes,
  documentOperations,
  routeKey,
  servedRoutes,
  type ApiMdRoute,
  type DocumentOperation,
  type RouteKey,
} from './support/route-tables';

/**
 * api.md routes the gateway does not serve yet, each with the reason. The test fails when one of them is
 * served (or documented) after all, so that its entry is removed and the route is checked like any other.
 */
const NOT_SERVED_YET: Record<RouteKey, string> = {
  // §2 operations: the dead-letter admin API has no gateway routes yet.
  'GET /api/v1/admin/dead-letters': 'dead-letter admin API not served yet (§2)',
  'POST /api/v1/admin/dead-letters/{}/retry': 'dead-letter admin API not served yet (§2)',
  'DELETE /api/v1/admin/dead-letters/{}': 'dead-letter admin API not served yet (§2)',
  // §10: scoring statistics have no gateway route yet.
  'GET /api/v1/scoring/stats': 'scoring statistics not served yet (§10)',
};

/** Served routes that are not API routes: the docs themselves, the web UI (`/` and its files), CORS preflights. */
function isApiRoute({ method, path }: { method: string; path: string }): boolean {
  if (method === 'HEAD' || method === 'OPTIONS') return false;
  if (path === '/' || path === '/docs' || path.startsWith('/docs/')) return false;
  return !path.includes('*');
}

/** A readable failure: the routes missing from one side, each on its own line. */
function missing(label: string, keys: Iterable<RouteKey>, present: (key: RouteKey) => boolean): string[] {
  return [...keys].filter((key) => !present(key)).map((key) => `${label}: ${key}`);
}

let gw: GatewayHarness;
let webDist: string;
let document: {
  openapi: string;
  servers: Array<{ url: string }>;
  paths: Record<string, any>;
  components: any;
};
let operations: Map<RouteKey, DocumentOperation>;
let served: Set<RouteKey>;
let contract: Map<RouteKey, ApiMdRoute>;

beforeAll(async () => {
  // A built SPA, so its `/*` file route is registered too: /docs must still be the API docs.
  webDist = mkdtempSync(join(tmpdir(), 'gateway-openapi-web-'));
  writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>SPA</title>');
  gw = await GatewayHarness.start({ WEB_DIST_DIR: webDist });
  const response = await gw.request('/docs/openapi.json');
  expect(response.status).toBe(200);
  document = response.body;
  operations = documentOperations(document);
  const printed = gw.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  served = new Set(
    servedRoutes(printed)
      .filter(isApiRoute)
      .map(({ method, path }) => routeKey(method, path)),
  );
  contract = apiMdRoutes(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'api.md'), 'utf8'));
});

afterAll(async () => {
  await gw?.close();
  rmSync(webDist, { recursive: true, force: true });
});

describe('GET /docs/openapi.json', () => {
  it('is OpenAPI 3.1 with the /api/v1 server, a bearer JWT, an X-API-Key and a webhook-signature scheme; /docs/json is the same', async () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: '/api/v1' }]);
    expect(document.components.securitySchemes).toEqual({
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      api_key: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      webhook_signature: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'webhook-signature' }),
      cituro_signature: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-CITURO-SIGNATURE' }),
      moco_signature: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Moco-Signature' }),
    });
    // Signed ingest takes a signature and nothing else (api.md §4.2).
    expect(document.paths['/events/webhook'].post.security).toEqual([{ webhook_signature: [] }]);
    // Cituro's webhook: the vendor's signature, checked by the cituro service (api.md §15.4).
    expect(operations.get(routeKey('POST', '/api/webhooks/cituro'))?.security).toEqual([
      { cituro_signature: [] },
    ]);
    // MOCO's webhook likewise (api.md §15.5).
    expect(operations.get(routeKey('POST', '/api/v1/integrations/moco/webhook'))?.security).toEqual([
      { moco_signature: [] },
    ]);
    const alias = await gw.request('/docs/json');
    expect(alias.status).toBe(200);
    expect(alias.body).toEqual(document);
  });

  it('serves the Swagger UI at /docs without credentials, even with the web UI built', async () => {
    const ui = await gw.request('/docs');
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/^text\/html/);
    expect(ui.text).toContain('swagger-ui');
    expect((await gw.request('/docs/swagger-ui.css')).status).toBe(200);
    // The SPA still answers its own routes.
    expect((await gw.request('/index.html')).text).toContain('<title>SPA</title>');
  });

  it('documents every route the gateway serves, and nothing it does not serve', () => {
    // The route listings were read at all (an empty one would make every comparison pass).
    expect(served).toContain(routeKey('GET', '/api/v1/leads/:id'));
    expect(served).toContain(routeKey('GET', '/health'));
    expect(contract.size).toBeGreaterThan(150);
    const problems = [
      ...missing('served but not in the OpenAPI document', served, (key) => operations.has(key)),
      ...missing('in the OpenAPI document but not served', operations.keys(), (key) => served.has(key)),
    ];
    expect(problems).toEqual([]);
  });

  it('serves no route outside docs/api.md', () => {
    expect(missing('served but not in docs/api.md', served, (key) => contract.has(key))).toEqual([]);
  });

  it('documents every docs/api.md route, except the listed ones not served yet', () => {
    const problems = [
      ...missing(
        'in docs/api.md but not in the OpenAPI document (serve it, or list it in NOT_SERVED_YET)',
        [...contract.keys()].filter((key) => !(key in NOT_SERVED_YET)),
        (key) => operations.has(key),
      ),
      ...missing(
        'in NOT_SERVED_YET but served now (remove the entry)',
        Object.keys(NOT_SERVED_YET),
        (key) => !operations.has(key) && !served.has(key),
      ),
      ...missing('in NOT_SERVED_YET but not in docs/api.md', Object.keys(NOT_SERVED_YET), (key) =>
        contract.has(key),
      ),
    ];
    expect(problems).toEqual([]);
  });

  it('asks no credentials of public routes and some of every other route', () => {
    const problems: string[] = [];
    const publicRoutes = new Set([
      routeKey('GET', '/api/v1'), // the API index (§1.1)
      ...[...contract.values()].filter((route) => route.auth === 'public').map((route) => route.key),
    ]);
    for (const operation of operations.values()) {
      const security = operation.security;
      if (publicRoutes.has(operation.key)) {
        if (!security || security.length !== 0)
          problems.push(`public but asks credentials: ${operation.key}`);
      } else if (!security?.length) {
        problems.push(`needs credentials but has no security requirement: ${operation.key}`);
      } else {
        for (const requirement of security) {
          for (const scheme of Object.keys(requirement)) {
            if (!(scheme in document.components.securitySchemes)) {
              problems.push(`${operation.key}: unknown security scheme ${scheme}`);
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives admin-only routes the role and keyed routes the scope they are checked for', () => {
    const security = (method: string, path: string) => operations.get(routeKey(method, path))?.security;
    expect(security('GET', '/api/v1/api-keys')).toEqual([{ bearer: ['admin'] }]);
    expect(security('POST', '/api/v1/pipelines')).toEqual([{ bearer: ['admin', 'marketing_manager'] }]);
    expect(security('GET', '/api/v1/leads')).toEqual([{ bearer: [] }, { api_key: ['read'] }]);
    expect(security('POST', '/api/v1/events/ingest')).toEqual([
      { bearer: [] },
      { api_key: ['events:write'] },
    ]);
  });

  it('describes bodies and query parameters with the contract classes the handlers validate with', () => {
    const createLead = document.paths['/leads'].post;
    expect(createLead.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CreateLeadBody',
    });
    const createLeadBody = document.components.schemas.CreateLeadBody;
    expect(createLeadBody.required).toEqual(['email']);
    expect(createLeadBody.properties.email).toMatchObject({
      type: 'string',
      format: 'email',
      maxLength: 255,
    });

    const listLeads = document.paths['/leads'].get.parameters;
    const limit = listLeads.find((p: { name: string }) => p.name === 'limit');
    expect(limit).toEqual({
      name: 'limit',
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 100 },
    });
    const ids = listLeads.find((p: { name: string }) => p.name === 'id');
    expect(ids).toMatchObject({ in: 'query', style: 'form', explode: false, schema: { type: 'array' } });
    // The path id of /leads/{id}/events is not also a query parameter.
    const leadEvents = document.paths['/leads/{id}/events'].get.parameters.map(
      (p: { name: string }) => p.name,
    );
    expect(leadEvents).not.toContain('lead_id');
    expect(leadEvents).toContain('event_type');
  });

  it('answers errors in the §1.3 envelope, and every reference resolves', () => {
    expect(document.components.schemas.ErrorEnvelope.required).toEqual(['error']);
    expect(document.paths['/leads/{id}'].get.responses['404']).toEqual({
      $ref: '#/components/responses/Error404',
    });
    expect(document.components.responses.Error404.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ErrorEnvelope',
    });
    const unresolved: string[] = [];
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') {
          const [, section, name] = /^#\/components\/(\w+)\/(.+)$/.exec(value) ?? [];
          if (!document.components[section]?.[name]) unresolved.push(value);
        } else visit(value);
      }
    };
    visit(document);
    expect(unresolved).toEqual([]);
  });
});
