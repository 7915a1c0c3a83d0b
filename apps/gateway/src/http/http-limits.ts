import { API_PREFIX } from './api-prefix';

/** api.md §1.1: request bodies up to 1 MiB, or 10 MiB on the bulk import route. */
export const GATEWAY_BODY_LIMIT_BYTES = 1024 * 1024;
export const BULK_IMPORT_BODY_LIMIT_BYTES = 10 * 1024 * 1024;
export const BULK_IMPORT_ROUTE = `/${API_PREFIX}/leads/bulk`;

/** The body limit of a route (its path without the query string). */
export function bodyLimitOf(routeUrl: string | undefined): number {
  return routeUrl === BULK_IMPORT_ROUTE ? BULK_IMPORT_BODY_LIMIT_BYTES : GATEWAY_BODY_LIMIT_BYTES;
}
