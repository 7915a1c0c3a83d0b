import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { MEMBER_ROLES, type MemberRole } from '@crm/contracts';
import { isUUID } from 'class-validator';
import { GatewayErrors } from '../http/gateway-errors';
import type { UserPrincipal } from './principal';

/** The claims of a user access token (api.md §1.2). */
export interface AccessTokenClaims {
  sub: string;
  id: string;
  email: string;
  role: MemberRole;
  typ: 'access';
  jti: string;
}

/**
 * Verifies user access tokens: HS256 with `JWT_SECRET` only, unexpired, `typ:"access"` (a refresh or 2FA
 * challenge token is not an access token), with a member id, an email and a known role. Issuing tokens (login,
 * refresh) comes with the auth issue; this is the half every protected route needs.
 */
@Injectable()
export class AccessTokenVerifier {
  constructor(private readonly jwt: JwtService) {}

  async verify(token: string): Promise<UserPrincipal> {
    let claims: Partial<AccessTokenClaims>;
    try {
      claims = await this.jwt.verifyAsync<Partial<AccessTokenClaims>>(token);
    } catch (error) {
      if ((error as Error).name === 'TokenExpiredError') throw GatewayErrors.tokenExpired();
      throw GatewayErrors.invalidToken();
    }
    const { sub, email, role, typ } = claims;
    if (
      typ !== 'access' ||
      typeof sub !== 'string' ||
      !isUUID(sub) ||
      typeof email !== 'string' ||
      !(MEMBER_ROLES as readonly unknown[]).includes(role)
    ) {
      throw GatewayErrors.invalidToken();
    }
    return { kind: 'user', memberId: sub.toLowerCase(), email, role: role as MemberRole };
  }
}
