import type { IncomingHttpHeaders } from 'node:http';

/** 429 with `Retry-After` (seconds; omitted when null, since Cituro's limits are undocumented). */
export interface CituroRateLimitMode {
  kind: 'rate_limit';
  retryAfterSeconds: number | null;
  times?: number;
}

/** 5xx with the error envelope. */
export interface CituroServerErrorMode {
  kind: 'server_error';
  status?: 500 | 502 | 503;
  times?: number;
}

/**
 * No answer: the request is handled (a write takes effect, as on a real server whose answer got lost) when
 * `afterHandling` is true, and the connection is held open for `ms` before it is destroyed.
 */
export interface CituroTimeoutMode {
  kind: 'timeout';
  ms: number;
  afterHandling?: boolean;
  times?: number;
}

/** `times` = matching requests the mode answers before it heals itself; undefined = until `heal()`. */
export type CituroFailureMode = CituroRateLimitMode | CituroServerErrorMode | CituroTimeoutMode;

export interface FakeCituroStartOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Keys accepted in `X-API-KEY`. Default: [FAKE_CITURO_API_KEY]. */
  apiKeys?: string[];
}

export interface CituroCustomer {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  mobilePhone: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CituroService {
  id: string;
  name: string;
  duration: number;
}

/** One recorded HTTP request, whatever the outcome. */
export interface CituroReceivedRequest {
  at: Date;
  method: string;
  /** Path below the API base, e.g. `/customers`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
  rawBody: string;
  /** The status answered; null when the fake answered nothing (timeout mode). */
  status: number | null;
  response: unknown;
}

export interface CituroWebhookDelivery {
  /** Where to POST, e.g. `http://127.0.0.1:3000/api/webhooks/cituro`. */
  url: string;
  /** The full `whs_…` secret the HMAC is keyed with. */
  secret: string;
  /** The body object (serialised with JSON.stringify) or the exact raw body. */
  body: unknown;
  /** The `t` value as sent; default: now in Unix milliseconds (13 digits), as Cituro sends it. */
  t?: string | number;
  /** Further `s=` values placed before the right one (e.g. a rotated-out signature). */
  extraSignatures?: string[];
  /** Overrides the whole header value (tampering tests). */
  header?: string;
  /** Separator between `t=` and `s=` parts; Cituro examples show both `,` and `, `. */
  separator?: string;
}

export interface CituroWebhookResponse {
  status: number;
  body: unknown;
  headers: Headers;
}
