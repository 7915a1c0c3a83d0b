import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GatewayErrors } from '../http/gateway-errors';
import { ApiKeyService } from './api-key.service';
import { AccessTokenVerifier } from './access-token.verifier';
import type { AuthenticatedRequest } from './auth.decorators';
import type { Principal } from './principal';
import { routeAccess } from './route-access';
import { SigningSecretService, type SignedRequestLike } from './signing-secret.service';

interface RequestLike extends AuthenticatedRequest, SignedRequestLike {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Authenticates every non-public route (api.md §1.2). `Authorization`, when present, decides alone, even next to
 * a valid `X-API-Key`. Routes labelled `config` or `admin` need a member with one of their roles; other routes
 * take any member, or an API key with the route's scope (`read` for GET, `write` otherwise, unless stated).
 * Signed routes take only a valid signature (§4.2), checked here so that a refused request is never counted
 * against a rate limit (§1.5).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyService,
    private readonly accessTokens: AccessTokenVerifier,
    private readonly signingSecrets: SigningSecretService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestLike>();
    const access = routeAccess(this.reflector, [context.getHandler(), context.getClass()], request.method);
    if (access.public) return true;
    if (access.signed) {
      request.principal = await this.signingSecrets.authenticate(request);
      return true;
    }
    const principal = await this.authenticate(request);
    const { roles, scope } = access;
    if (roles && (principal.kind !== 'user' || !roles.includes(principal.role))) {
      throw GatewayErrors.roleRequired(roles);
    }
    if (principal.kind === 'api_key' && !principal.scopes.includes(scope)) {
      throw GatewayErrors.insufficientScope(scope);
    }
    request.principal = principal;
    return true;
  }

  private async authenticate(request: RequestLike): Promise<Principal> {
    const authorization = single(request.headers.authorization);
    if (authorization !== undefined) return this.authenticateBearer(authorization);
    const apiKey = single(request.headers['x-api-key']);
    if (apiKey === undefined) throw GatewayErrors.noCredentials();
    if (apiKey.trim() === '') throw GatewayErrors.invalidApiKey();
    return this.apiKeys.authenticate(apiKey.trim());
  }

  private authenticateBearer(authorization: string): Promise<Principal> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return Promise.reject(GatewayErrors.invalidAuthorization());
    return this.accessTokens.verify(match[1]);
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
