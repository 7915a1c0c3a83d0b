import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { RAW_BODY_ROUTE_CONFIG } from '../http/raw-body';
import { MEMBER_ROLES, type MemberRole } from '@crm/contracts';
import type { ApiKeyScope } from '../config/api-keys-env';
import type { Principal } from './principal';

export const PUBLIC_ROUTE = 'gateway:public';
export const REQUIRED_SCOPE = 'gateway:required-scope';
export const REQUIRED_ROLES = 'gateway:required-roles';
export const SIGNED_ROUTE = 'gateway:signed';
export const VENDOR_SIGNATURE = 'gateway:vendor-signature';

/** api.md §1.2 `config`: admins and marketing managers configure scoring, routing and automation. */
export const CONFIG_ROLES = ['admin', 'marketing_manager'] as const satisfies readonly MemberRole[];
export const ADMIN_ROLES = ['admin'] as const satisfies readonly MemberRole[];

/** No credentials needed (health, readiness, the UI and the API index). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * api.md auth label `signed` (§4.2): the request is authenticated by its HMAC signature alone (JWTs and API keys
 * are not looked at). The route keeps its raw body, which the signature covers.
 */
export const SignedRequest = () =>
  applyDecorators(SetMetadata(SIGNED_ROUTE, true), RouteConfig(RAW_BODY_ROUTE_CONFIG));

/**
 * api.md auth "vendor signature" (§15.4, §15.5): the gateway asks no credentials, keeps the raw body and leaves
 * the signature (in `header`) to the integration service that holds the vendor's secret.
 */
export const VendorSignedRequest = (vendor: 'cituro' | 'moco', header: string) =>
  applyDecorators(
    SetMetadata(PUBLIC_ROUTE, true),
    SetMetadata(VENDOR_SIGNATURE, { vendor, header }),
    RouteConfig(RAW_BODY_ROUTE_CONFIG),
  );

/** api.md auth label `config`: signed-in admins and marketing managers only; API keys are refused. */
export const ConfigAccess = () => SetMetadata(REQUIRED_ROLES, CONFIG_ROLES);

/** api.md auth label `user` alone (no key label): any signed-in member; API keys are refused. */
export const MemberAccess = () => SetMetadata(REQUIRED_ROLES, MEMBER_ROLES);

/** api.md auth label `admin`: signed-in admins only; API keys are refused. */
export const AdminAccess = () => SetMetadata(REQUIRED_ROLES, ADMIN_ROLES);

/** The API-key scope a route needs when it differs from the default (`read` for GET, `write` otherwise). */
export const RequiresScope = (scope: ApiKeyScope) => SetMetadata(REQUIRED_SCOPE, scope);

export interface AuthenticatedRequest {
  principal?: Principal;
}

/** The principal the AuthGuard resolved for this request. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});
