import { ErrorCode } from '@crm/contracts';
import type { JsonSchema } from './contract-schemas';
import { SCHEMA_PREFIX } from './contract-schemas';

/** The api.md §1.3 envelope every error on every path has. */
export const ERROR_ENVELOPE_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'request_id'],
      properties: {
        code: { type: 'string', enum: Object.values(ErrorCode) },
        message: { type: 'string' },
        details: {
          type: 'object',
          properties: {
            validation_errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['path', 'message', 'code'],
                properties: {
                  path: { type: 'string' },
                  message: { type: 'string' },
                  code: { type: 'string' },
                },
              },
            },
          },
        },
        request_id: { type: 'string' },
      },
    },
  },
};

const RESPONSE_PREFIX = '#/components/responses/';

/** The errors api.md §1.3 says any endpoint may answer, as shared responses (status → description). */
const ERROR_RESPONSES = {
  '400': 'VALIDATION_ERROR (field problems in details.validation_errors) or INVALID_JSON',
  '401': 'AUTHENTICATION_ERROR, TOKEN_EXPIRED or INVALID_API_KEY',
  '403': 'AUTHORIZATION_ERROR (role), INSUFFICIENT_SCOPE or SOURCE_NOT_ALLOWED',
  '404': 'NOT_FOUND: an unknown id (details: resource, identifier)',
  '429': 'RATE_LIMIT_EXCEEDED (Retry-After header)',
  default: 'Any other error in the api.md §1.3 envelope (409, 413, 415, 422, 5xx)',
} as const;
type ErrorStatus = keyof typeof ERROR_RESPONSES;

const responseName = (status: ErrorStatus) => (status === 'default' ? 'Error' : `Error${status}`);

/** components.responses for the shared error answers. */
export function errorResponseComponents(): Record<string, JsonSchema> {
  return Object.fromEntries(
    (Object.keys(ERROR_RESPONSES) as ErrorStatus[]).map((status) => [
      responseName(status),
      {
        description: ERROR_RESPONSES[status],
        content: { 'application/json': { schema: { $ref: `${SCHEMA_PREFIX}ErrorEnvelope` } } },
      },
    ]),
  );
}

/**
 * The shared error answers that apply to an operation: auth errors only when it needs credentials, 404 with ids;
 * /health and /ready (outside the API) only answer their own statuses or a server error.
 */
export function errorResponsesFor(options: {
  inApi: boolean;
  secured: boolean;
  hasPathParams: boolean;
}): Record<string, JsonSchema> {
  const statuses: ErrorStatus[] = [];
  if (options.inApi) {
    statuses.push('400');
    if (options.secured) statuses.push('401', '403');
    if (options.hasPathParams) statuses.push('404');
    statuses.push('429');
  }
  statuses.push('default');
  return Object.fromEntries(
    statuses.map((status) => [status, { $ref: RESPONSE_PREFIX + responseName(status) }]),
  );
}
