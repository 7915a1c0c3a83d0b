import type { Reflector } from '@nestjs/core';
import type { ApiKeyScope } from '../config/api-keys-env';
import {
  PUBLIC_ROUTE,
  REQUIRED_ROLES,
  REQUIRED_SCOPE,
  SIGNED_ROUTE,
  VENDOR_SIGNED_ROUTE,
} from './auth.decorators';

/** What a route asks of the caller (api.md §1.2 auth labels). */
export type RouteAccess =
  /** `vendorSigned`: the owning service verifies a vendor signature (§15.4, §15.5). */
  | { public: true; vendorSigned?: boolean }
  /** Signed ingest (§4.2): a valid signature and nothing else. */
  | { public: false; signed: true }
  | {
      public: false;
      signed?: false;
      /** Member roles that may call it; when set, API keys are refused. */
      roles?: readonly string[];
      /** The scope an API key needs. */
      scope: ApiKeyScope;
    };

/**
 * Reads a route's access from its decorators, handler before class. The AuthGuard enforces exactly this and the
 * OpenAPI document describes it, so the two cannot drift apart.
 */
export function routeAccess(
  reflector: Reflector,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- handler and controller class, as Reflector takes them
  targets: [Function, Function],
  httpMethod: string,
): RouteAccess {
  if (reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) {
    return reflector.getAllAndOverride<boolean>(VENDOR_SIGNED_ROUTE, targets)
      ? { public: true, vendorSigned: true }
      : { public: true };
  }
  if (reflector.getAllAndOverride<boolean>(SIGNED_ROUTE, targets)) return { public: false, signed: true };
  const roles = reflector.getAllAndOverride<readonly string[] | undefined>(REQUIRED_ROLES, targets);
  const scope =
    reflector.getAllAndOverride<ApiKeyScope | undefined>(REQUIRED_SCOPE, targets) ??
    (httpMethod === 'GET' || httpMethod === 'HEAD' ? 'read' : 'write');
  return roles ? { public: false, roles, scope } : { public: false, scope };
}
