import type { ActorRef, MemberRole } from '@crm/contracts';

/** A machine producer or script, authenticated by `X-API-Key`. */
export interface ApiKeyPrincipal {
  kind: 'api_key';
  keyId: string;
  keyName: string;
  source: string;
  /** `["*"]` = any ingest source. */
  allowedSources: string[];
  scopes: string[];
  /** The key's own limit on ingest routes (api.md §1.5): undefined = the class default, null = unlimited. */
  ingestRateLimitPerMinute?: number | null;
}

/** A team member, authenticated by a user access token (api.md §1.2). */
export interface UserPrincipal {
  kind: 'user';
  memberId: string;
  email: string;
  role: MemberRole;
}

export type Principal = ApiKeyPrincipal | UserPrincipal;

/** The actor recorded by the owning services (stage history, run logs, rule versions). */
export function actorOf(principal: Principal): ActorRef {
  return principal.kind === 'api_key'
    ? { type: 'api_key', id: principal.keyId, name: principal.keyName }
    : { type: 'user', id: principal.memberId, name: principal.email };
}

/** Members may send events for any source; a key only for the sources it was issued for. */
export function mayUseSource(principal: Principal, source: string): boolean {
  if (principal.kind === 'user') return true;
  return principal.allowedSources.includes('*') || principal.allowedSources.includes(source);
}
