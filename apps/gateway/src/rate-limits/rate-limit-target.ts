import { createHash } from 'node:crypto';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';

/** The api.md §1.5 classes. */
export type RateLimitClass = 'auth' | 'user' | 'ingest' | 'api_key' | 'signed' | 'anonymous';

/** Requests per minute of each class; 0 = not limited. */
export type RateLimitSettings = Record<RateLimitClass, number>;

export interface RateLimitTarget {
  limitClass: RateLimitClass;
  /** Who is counted: a member or key id, or a hash of an IP, email or source (no personal data in Redis). */
  subject: string;
  limit: number;
}

export interface RateLimitInput {
  /** The route pattern, e.g. `/api/v1/events/ingest`. */
  route: string;
  principal?: Principal;
  ip: string;
  body: unknown;
}

const api = (path: string) => `/${API_PREFIX}/${path}`;
const AUTH_ROUTES = new Set([api('auth/login'), api('auth/register'), api('auth/refresh')]);
const AUTH_2FA_PREFIX = api('auth/2fa/');
const INGEST_ROUTES = new Set([api('events/ingest'), api('events/ingest/batch'), api('leads/bulk')]);
/** Signed ingest is counted per body `source`, vendor webhooks per vendor. */
const SIGNED_ROUTES = new Map<string, string | null>([
  [api('events/webhook'), null],
  ['/api/webhooks/cituro', 'cituro'],
  [api('integrations/moco/webhook'), 'moco'],
]);

/** Which window a request counts against, or null when its class is not limited (limit 0 or a key's `null`). */
export function rateLimitTarget(input: RateLimitInput, limits: RateLimitSettings): RateLimitTarget | null {
  const { route, principal } = input;
  if (AUTH_ROUTES.has(route) || route.startsWith(AUTH_2FA_PREFIX)) {
    const email = stringField(input.body, 'email') ?? (principal?.kind === 'user' ? principal.email : '');
    return target('auth', hashed(`${input.ip}\n${email.trim().toLowerCase()}`), limits.auth);
  }
  if (principal?.kind === 'user') return target('user', principal.memberId, limits.user);
  // Verified signed ingest: counted per the source its secret was chosen by.
  if (principal?.kind === 'signed') return target('signed', hashed(principal.source), limits.signed);
  if (principal?.kind === 'api_key') {
    if (!INGEST_ROUTES.has(route)) return target('api_key', principal.keyId, limits.api_key);
    const override = principal.ingestRateLimitPerMinute;
    if (override === null) return null;
    return target('ingest', principal.keyId, override ?? limits.ingest);
  }
  if (SIGNED_ROUTES.has(route)) {
    const source = SIGNED_ROUTES.get(route) ?? stringField(input.body, 'source') ?? '';
    return target('signed', hashed(source), limits.signed);
  }
  return target('anonymous', hashed(input.ip), limits.anonymous);
}

function target(limitClass: RateLimitClass, subject: string, limit: number): RateLimitTarget | null {
  return limit > 0 ? { limitClass, subject, limit } : null;
}

function stringField(body: unknown, field: string): string | undefined {
  const value = (body as Record<string, unknown> | null | undefined)?.[field];
  return typeof value === 'string' ? value : undefined;
}

function hashed(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}
