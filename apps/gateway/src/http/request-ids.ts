import { randomUUID } from 'node:crypto';

/** api.md §1.5: a client id is echoed only if it is ≤128 chars of [A-Za-z0-9._:-]. */
const CLIENT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export function isValidClientId(value: unknown): value is string {
  return typeof value === 'string' && CLIENT_ID_PATTERN.test(value);
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export interface RequestIds {
  requestId: string;
  /** Follows every message the request causes; defaults to the request id. */
  correlationId: string;
  /** Whether the client named the correlation id itself (ingest falls back to the body's `correlation_id`). */
  correlationIdFromClient: boolean;
}

export function resolveRequestIds(headers: Record<string, string | string[] | undefined>): RequestIds {
  const sentRequestId = header(headers['x-request-id']);
  const requestId = isValidClientId(sentRequestId) ? sentRequestId : randomUUID();
  const sentCorrelationId = header(headers['x-correlation-id']);
  const fromClient = isValidClientId(sentCorrelationId);
  return {
    requestId,
    correlationId: fromClient ? sentCorrelationId : requestId,
    correlationIdFromClient: fromClient,
  };
}
