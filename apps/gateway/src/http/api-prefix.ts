/** The base of the public API (api.md §1.1); /health, /ready and / live outside it. */
export const API_PREFIX = 'api/v1';
