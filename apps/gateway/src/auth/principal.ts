import type { ActorRef } from '@crm/contracts';

/** Who a request acts for. JWT users join this union with the auth issue. */
export interface ApiKeyPrincipal {
  kind: 'api_key';
  keyId: string;
  keyName: string;
  source: string;
  /** `["*"]` = any ingest source. */
  allowedSources: string[];
  scopes: string[];
}

export type Principal = ApiKeyPrincipal;

/** The actor recorded by the owning services (stage history, run logs). */
export function actorOf(principal: Principal): ActorRef {
  return { type: 'api_key', id: principal.keyId, name: principal.keyName };
}

export function mayUseSource(principal: Principal, source: string): boolean {
  return principal.allowedSources.includes('*') || principal.allowedSources.includes(source);
}
