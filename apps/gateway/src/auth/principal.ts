import type { ActorRef, MemberRole } from '@crm/contracts';
import type { SignatureScheme } from './webhook-signature';

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

/** A producer that signed its request (api.md §4.2) with a signing secret or WEBHOOK_SECRET. */
export interface SignedPrincipal {
  kind: 'signed';
  /** The signing secret that verified the request; null: WEBHOOK_SECRET. */
  secretId: string | null;
  secretName: string;
  /** The body's `source` the secret was chosen by: the signed rate-limit class counts per source (§1.5). */
  source: string;
  /** The verifying secret's sources (`["*"]` for WEBHOOK_SECRET). */
  allowedSources: string[];
  scheme: SignatureScheme;
  /** Standard Webhooks `webhook-id`: the dedupe key when the body has no `event_id`. */
  webhookId?: string;
}

export type Principal = ApiKeyPrincipal | UserPrincipal | SignedPrincipal;

/** The actor recorded by the owning services (stage history, run logs, rule versions). */
export function actorOf(principal: Principal): ActorRef {
  switch (principal.kind) {
    case 'api_key':
      return { type: 'api_key', id: principal.keyId, name: principal.keyName };
    case 'signed':
      return { type: 'api_key', id: principal.secretId, name: principal.secretName };
    case 'user':
      return { type: 'user', id: principal.memberId, name: principal.email };
  }
}

/** Members may send events for any source; a key or signing secret only for the sources it was issued for. */
export function mayUseSource(principal: Principal, source: string): boolean {
  if (principal.kind === 'user') return true;
  return principal.allowedSources.includes('*') || principal.allowedSources.includes(source);
}
