import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedRequest } from '../auth/auth.decorators';
import { GatewayConfig } from '../config/gateway.config';
import { GatewayErrors } from '../http/gateway-errors';
import { RateLimiter } from './rate-limiter';
import { rateLimitTarget, type RateLimitSettings } from './rate-limit-target';

export const NO_RATE_LIMIT = 'gateway:no-rate-limit';
/** Never counted (health and readiness probes). */
export const NoRateLimit = () => SetMetadata(NO_RATE_LIMIT, true);

interface RequestLike extends AuthenticatedRequest {
  ip: string;
  url: string;
  body?: unknown;
  routeOptions?: { url?: string };
}

interface ReplyLike {
  header(name: string, value: string): unknown;
}

/**
 * api.md §1.5 rate limits, per principal. Registered after the AuthGuard, so the principal is known; public
 * routes are counted by IP (auth routes by IP + email). A refusal is 429 RATE_LIMIT_EXCEEDED with Retry-After.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limits: RateLimitSettings;

  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
    config: GatewayConfig,
  ) {
    this.limits = {
      auth: config.RATE_LIMIT_AUTH_PER_MINUTE,
      user: config.RATE_LIMIT_USER_PER_MINUTE,
      ingest: config.RATE_LIMIT_INGEST_PER_MINUTE,
      api_key: config.RATE_LIMIT_API_KEY_PER_MINUTE,
      signed: config.RATE_LIMIT_SIGNED_PER_MINUTE,
      anonymous: config.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
    };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(NO_RATE_LIMIT, [context.getHandler(), context.getClass()]))
      return true;
    const request = context.switchToHttp().getRequest<RequestLike>();
    const target = rateLimitTarget(
      {
        route: request.routeOptions?.url ?? request.url,
        principal: request.principal,
        ip: request.ip,
        body: request.body,
      },
      this.limits,
    );
    if (!target) return true;
    const decision = await this.limiter.hit(target);
    if (!decision) return true;

    const reply = context.switchToHttp().getResponse<ReplyLike>();
    reply.header('X-RateLimit-Limit', String(decision.limit));
    reply.header('X-RateLimit-Remaining', String(decision.remaining));
    reply.header('X-RateLimit-Reset', String(decision.resetAt));
    if (!decision.allowed) throw GatewayErrors.rateLimitExceeded(decision.limit, decision.retryAfter);
    return true;
  }
}
