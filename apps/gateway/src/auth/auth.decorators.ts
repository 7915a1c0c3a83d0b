import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { ApiKeyScope } from '../config/api-keys-env';
import type { Principal } from './principal';

export const PUBLIC_ROUTE = 'gateway:public';
export const REQUIRED_SCOPE = 'gateway:required-scope';

/** No credentials needed (health, readiness, the UI and the API index). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

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
