import { createHash } from 'node:crypto';
import type { Principal } from '../auth/principal';

/** api.md §1.5: a key is remembered for 24 h. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
/**
 * How long an in-flight marker lives if its request never finishes (the gateway died): well above the longest
 * request (RPC timeouts are seconds), so a retry never runs next to a first attempt that is still going.
 */
export const IN_FLIGHT_TTL_MS = 60_000;

export type IdempotencyRecord =
  | { state: 'in_flight'; token: string; hash: string }
  | { state: 'done'; hash: string; status: number; content_type: string | null; body: string };

export type Verdict =
  | { kind: 'replay'; record: Extract<IdempotencyRecord, { state: 'done' }> }
  | { kind: 'reused' }
  | { kind: 'in_progress' };

/** What to answer when the key is already taken: a different body always wins over "still running". */
export function verdictFor(existing: IdempotencyRecord, bodyHash: string): Verdict {
  if (existing.hash !== bodyHash) return { kind: 'reused' };
  return existing.state === 'done' ? { kind: 'replay', record: existing } : { kind: 'in_progress' };
}

export function encodeRecord(record: IdempotencyRecord): string {
  return JSON.stringify(record);
}

export function decodeRecord(value: string): IdempotencyRecord {
  return JSON.parse(value) as IdempotencyRecord;
}

/** Whose key it is: a member, an API key, or, on public routes, the client's IP. */
export function principalScope(principal: Principal | undefined, ip: string): string {
  if (principal?.kind === 'user') return `user:${principal.memberId}`;
  if (principal?.kind === 'api_key') return `key:${principal.keyId}`;
  return `ip:${ip}`;
}

/** One record per (principal, method, path, key), hashed so any key and path make a short, safe Redis key. */
export function recordId(scope: string, method: string, url: string, key: string): string {
  const path = url.split('?', 1)[0];
  return sha256(`${scope}\n${method}\n${path}\n${key}`);
}

/** The parsed body, re-serialised: the same JSON sent twice hashes the same. */
export function bodyHash(body: unknown): string {
  return sha256(JSON.stringify(body ?? null));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
