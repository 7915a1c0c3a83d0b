import type { INestApplication } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { routeAccess, type RouteAccess } from '../auth/route-access';
import { appVersion } from '../health/app-version';
import { API_PREFIX } from '../http/api-prefix';
import { CONTRACT_QUERY, type ContractQueryMetadata } from './contract-schema.decorators';
import { contractSchemas, SCHEMA_PREFIX, type JsonSchema } from './contract-schemas';
import { ERROR_ENVELOPE_SCHEMA, errorResponseComponents, errorResponsesFor } from './error-responses';

/** The server every API path is relative to (api.md §1.1); /health and /ready override it with `/`. */
export const API_SERVER = `/${API_PREFIX}`;
export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'api_key';
export const SIGNATURE_SCHEME = 'webhook_signature';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- handlers and classes as Reflector takes them
type Handler = { controller: Function; handler: Function };
type Operation = Record<string, unknown> & {
  operationId?: string;
  parameters?: Array<Record<string, unknown>>;
  responses?: Record<string, unknown>;
};

/**
 * The OpenAPI 3.1 document of the gateway, generated from its controllers once at boot: request bodies and query
 * parameters from the contract classes the handlers validate with, security from the same decorators the
 * AuthGuard enforces, and the §1.3 error envelope. docs/api.md stays the contract; test/openapi.int-spec.ts
 * checks that the routes of both agree with what is served.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('DNA Marketing Engine API')
    .setDescription(
      'Generated from the gateway code. docs/api.md is the contract: field names, envelopes and behaviour are ' +
        'described there, and where the two differ it wins.',
    )
    .setVersion(appVersion())
    .addServer(API_SERVER)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, API_KEY_SCHEME)
    // Signed ingest (api.md §4.2): Standard Webhooks headers, or the legacy X-Webhook-Signature pair.
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'webhook-signature',
        description:
          'Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) or legacy `X-Webhook-Signature` with `X-Webhook-Timestamp` (api.md §4.2)',
      },
      SIGNATURE_SCHEME,
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-CITURO-SIGNATURE',
        description: 'Cituro webhook signature `t=<ms>,s=<hex HMAC-SHA256>` (api.md §15.4)',
      },
      vendorSchemeOf('cituro'),
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Moco-Signature',
        description:
          'MOCO webhook signature: hex HMAC-SHA256 of the raw body with a registered hook key (api.md §15.5)',
      },
      vendorSchemeOf('moco'),
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${controller}_${method}`,
    autoTagControllers: false,
  });

  const reflector = app.get(Reflector);
  const handlers = controllerHandlers(app);
  const schemas = contractSchemas();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, item] of Object.entries(document.paths)) {
    const inApi = path.startsWith(`${API_SERVER}/`);
    for (const method of HTTP_METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (!operation) continue;
      const found = operation.operationId ? handlers.get(operation.operationId) : undefined;
      if (!found)
        throw new Error(`OpenAPI: no handler for operation ${operation.operationId ?? method + path}`);
      const targets: [typeof found.handler, typeof found.controller] = [found.handler, found.controller];
      const access = routeAccess(reflector, targets, method.toUpperCase());
      operation.security = securityOf(access);
      operation.tags = [tagOf(path)];
      describeParameters(
        operation,
        method,
        reflector.get<ContractQueryMetadata>(CONTRACT_QUERY, found.handler),
        schemas,
      );
      operation.responses = {
        ...operation.responses,
        ...errorResponsesFor({ inApi, secured: !access.public, hasPathParams: path.includes('{') }),
      };
    }
    // Paths under the base are written relative to the server; the others (health, readiness) name their own.
    if (inApi) paths[path.slice(API_SERVER.length)] = item as Record<string, unknown>;
    else paths[path] = { ...(item as Record<string, unknown>), servers: [{ url: '/' }] };
  }
  document.paths = paths as OpenAPIObject['paths'];

  document.components = {
    ...document.components,
    schemas: {
      ...referencedSchemas(document, schemas),
      ErrorEnvelope: ERROR_ENVELOPE_SCHEMA,
    } as NonNullable<OpenAPIObject['components']>['schemas'],
    responses: errorResponseComponents() as unknown as NonNullable<OpenAPIObject['components']>['responses'],
    parameters: {
      IdempotencyKey: {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'api.md §1.5: 1–255 printable ASCII characters; a retry with the same key and body is replayed',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      },
    },
  };
  return document;
}

/** Every controller method by the operation id the document gives it (`<Controller>_<method>`). */
function controllerHandlers(app: INestApplication): Map<string, Handler> {
  const handlers = new Map<string, Handler>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- a controller class
      const controller = wrapper.metatype as Function | null;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype as object)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name !== 'constructor' && typeof handler === 'function') {
          handlers.set(`${controller.name}_${name}`, { controller, handler });
        }
      }
    }
  }
  return handlers;
}

/** api.md §1.2: member-only routes take a JWT with one of the roles; others a JWT or a key with the scope. */
function securityOf(access: RouteAccess): Array<Record<string, string[]>> {
  if (access.public)
    return access.vendorSignature ? [{ [vendorSchemeOf(access.vendorSignature.vendor)]: [] }] : [];
  if (access.signed) return [{ [SIGNATURE_SCHEME]: [] }];
  if (access.roles) return [{ [BEARER_SCHEME]: [...access.roles] }];
  return [{ [BEARER_SCHEME]: [] }, { [API_KEY_SCHEME]: [access.scope] }];
}

/** The security scheme of a vendor's webhook signature (api.md §1.2 "vendor signature"). */
function vendorSchemeOf(vendor: string): string {
  return `${vendor}_signature`;
}

function tagOf(path: string): string {
  const rest = path.startsWith(`${API_SERVER}/`) ? path.slice(API_SERVER.length + 1) : path.slice(1);
  return rest.split('/')[0] || 'index';
}

/**
 * Path ids are UUIDs (api.md §1.1); the contract query class becomes one parameter per field, lists as
 * comma-separated values (`id=<uuid>,<uuid>`); every POST accepts an Idempotency-Key (§1.5).
 */
function describeParameters(
  operation: Operation,
  method: string,
  query: ContractQueryMetadata | undefined,
  schemas: Record<string, JsonSchema>,
): void {
  const parameters = (operation.parameters ?? []).filter(
    // The handler reads the header itself; the shared parameter below describes it.
    (p) => !(p.in === 'header' && String(p.name).toLowerCase() === 'idempotency-key'),
  );
  for (const parameter of parameters) {
    if (parameter.in === 'path') parameter.schema = { type: 'string', format: 'uuid' };
  }
  if (query) parameters.push(...queryParameters(query, schemas));
  if (method === 'post') parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });
  if (parameters.length) operation.parameters = parameters;
}

function queryParameters(query: ContractQueryMetadata, schemas: Record<string, JsonSchema>): JsonSchema[] {
  const schema = schemas[query.cls.name];
  if (!schema) throw new Error(`OpenAPI: no schema for query class ${query.cls.name}`);
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)
    .filter(([name]) => !query.omit.includes(name))
    .map(([name, property]) => ({
      name,
      in: 'query',
      required: required.has(name),
      schema: property,
      ...(property.type === 'array' ? { style: 'form', explode: false } : {}),
    }));
}

/** The contract schemas the document refers to, with the ones they refer to in turn. */
function referencedSchemas(
  document: OpenAPIObject,
  schemas: Record<string, JsonSchema>,
): Record<string, JsonSchema> {
  const included: Record<string, JsonSchema> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMA_PREFIX)) {
        const name = value.slice(SCHEMA_PREFIX.length);
        if (!included[name] && schemas[name]) {
          included[name] = schemas[name];
          visit(schemas[name]);
        }
      } else visit(value);
    }
  };
  visit(document.paths);
  return included;
}
