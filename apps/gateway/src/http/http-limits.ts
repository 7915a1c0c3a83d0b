/** api.md §1.1: request bodies up to 1 MiB (the bulk import route, when it exists, gets 10 MiB). */
export const GATEWAY_BODY_LIMIT_BYTES = 1024 * 1024;
