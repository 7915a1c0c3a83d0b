import { resolveRequestIds, type RequestIds } from './request-ids';

/** The parts of the Fastify request the gateway reads; `ids` is set by the first hook of every request. */
export interface GatewayRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  query?: unknown;
  routeOptions?: { url?: string };
  ids?: RequestIds;
}

/** The request's ids, resolved once (by the first hook, or by whoever needs them first). */
export function requestIdsOf(request: GatewayRequest): RequestIds {
  request.ids ??= resolveRequestIds(request.headers);
  return request.ids;
}
