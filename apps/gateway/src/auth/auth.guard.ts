import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiKeyScope } from '../config/api-keys-env';
import { GatewayErrors } from '../http/gateway-errors';
import { ApiKeyService } from './api-key.service';
import { PUBLIC_ROUTE, REQUIRED_SCOPE, type AuthenticatedRequest } from './auth.decorators';
import type { Principal } from './principal';

interface RequestLike extends AuthenticatedRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Authenticates every non-public route (api.md §1.2). `Authorization`, when present, decides alone, even next to
 * a valid `X-API-Key`; JWT verification plugs in at `authenticateBearer` with the auth issue.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<RequestLike>();
    const principal = await this.authenticate(request);
    const scope =
      this.reflector.getAllAndOverride<ApiKeyScope | undefined>(REQUIRED_SCOPE, targets) ??
      (request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write');
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

  private authenticateBearer(_authorization: string): Promise<Principal> {
    // User JWTs (HS256, JWT_SECRET) come with the auth issue; until then no Authorization header is accepted.
    return Promise.reject(GatewayErrors.jwtNotAvailable());
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
