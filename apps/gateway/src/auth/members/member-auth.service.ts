import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import {
  BadRequestError,
  ConflictError,
  LoginRequest,
  LogoutRequest,
  DomainError,
  Queries,
  RefreshRequest,
  RegisterRequest,
  type AuthTokensView,
  type AuthUserView,
  type MeView,
  type TwoFactorChallengeView,
  type RegisterTeamMemberCommand,
  type TeamMemberView,
} from '@crm/contracts';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { GatewayConfig } from '../../config/gateway.config';
import { GatewayErrors } from '../../http/gateway-errors';
import { validateInput } from '../../http/validation';
import { GatewayRpc } from '../../rpc/gateway-rpc';
import type { AccessTokenClaims } from '../access-token.verifier';
import type { UserPrincipal } from '../principal';
import { LoginLockout } from './login-lockout';
import { MemberCredentialRepository } from './member-credential.repository';
import { hashOpaqueToken, newOpaqueToken } from './opaque-token';
import { PasswordHasher } from './password-hasher';
import { RefreshTokenRepository } from './refresh-token.repository';
import { TwoFactorService } from './two-factor.service';

const DAY_MS = 24 * 3600 * 1000;

/** A refresh-token check that must commit its revocations before the caller hears the refusal. */
type Refreshed =
  { ok: true; member: TeamMemberView; familyId: string; replacing: string } | { ok: false; error: Error };

/**
 * Members signing in (api.md §3): registration (the first member is an active admin), login with a lockout
 * after repeated failures, access tokens (JWT) and rotating refresh tokens with reuse detection, logout and
 * `GET /auth/me`. Members themselves live in leads; the gateway keeps only credentials and sessions.
 */
@Injectable()
export class MemberAuthService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly credentials: MemberCredentialRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly rpc: GatewayRpc,
    private readonly config: GatewayConfig,
    private readonly lockout: LoginLockout,
    private readonly twoFactor: TwoFactorService,
    logger: AppLogger,
  ) {
    this.log = logger.child('member-auth');
  }

  /**
   * The first member to register becomes an active admin and is signed in; later ones are inactive bdrs until an
   * admin approves them. Registrations run one at a time, so exactly one can be the first.
   */
  async register(body: unknown): Promise<AuthTokensView | { message: string; user: AuthUserView }> {
    if (this.config.REGISTRATION_ENABLED !== 'true') throw GatewayErrors.registrationDisabled();
    const input = validateInput(RegisterRequest, body);
    const email = input.email.toLowerCase();
    const passwordHash = await this.hasher.hash(input.password);
    const { first, member } = await this.tx.transaction(async () => {
      await this.credentials.lockRegistrations();
      if (await this.credentials.findByEmail(email)) {
        throw new ConflictError(`An account with email '${email}' exists`, { email });
      }
      const isFirst = !(await this.credentials.any());
      const memberId = randomUUID();
      await this.credentials.insert(memberId, email, passwordHash);
      const command: RegisterTeamMemberCommand = {
        id: memberId,
        email,
        name: input.name,
        avatar: input.avatar ?? null,
        role: isFirst ? 'admin' : 'bdr',
        is_active: isFirst,
      };
      // A member with this email but no account (made by an admin) answers 409 and nothing is kept.
      const created = await this.rpc.request<TeamMemberView>(Queries.LeadsRegisterTeamMember, command);
      return { first: isFirst, member: created };
    });
    this.log.info({ member_id: member.id, first }, 'member registered');
    if (first) return this.signIn(member, randomUUID());
    return {
      message: 'Registration received; an admin must approve the account before it can sign in',
      user: { ...userOf(member), is_active: false },
    };
  }

  /**
   * A wrong email and a wrong password get the same answer and cost the same time. After LOGIN_MAX_FAILURES
   * failures an account is locked for LOGIN_LOCKOUT_SECONDS (429 with Retry-After). With 2FA on, the right
   * password earns only a challenge for `2fa/validate`.
   */
  async login(body: unknown): Promise<AuthTokensView | TwoFactorChallengeView> {
    const input = validateInput(LoginRequest, body);
    const credential = await this.credentials.findByEmail(input.email);
    const now = new Date();
    if (credential) this.lockout.assertOpen(credential, now);
    const matches = await this.hasher.verify(credential?.passwordHash ?? null, input.password);
    if (!credential || !matches) {
      if (credential) await this.credentials.recordFailedLogin(credential.memberId, now);
      this.log.info({ member_id: credential?.memberId ?? null }, 'sign-in refused');
      throw GatewayErrors.invalidCredentials();
    }
    const member = await this.memberOr(credential.memberId, GatewayErrors.invalidCredentials());
    if (!member.is_active) throw GatewayErrors.accountInactive();
    if (credential.twoFactorEnabled) {
      // The failure count is cleared only once the code is right too, so wrong codes add up to a lockout.
      const challenge = await this.twoFactor.issueChallenge(member.id);
      return { require2fa: true, userId: member.id, challenge_token: challenge };
    }
    await this.credentials.clearFailedLogins(member.id);
    return this.signIn(member, randomUUID());
  }

  /** The second step of a 2FA sign-in: the login challenge and a code give the same answer as login. */
  async completeTwoFactorSignIn(body: unknown): Promise<AuthTokensView> {
    const memberId = await this.twoFactor.redeemChallenge(body);
    const member = await this.memberOr(memberId, GatewayErrors.invalidCredentials());
    if (!member.is_active) throw GatewayErrors.accountInactive();
    return this.signIn(member, randomUUID());
  }

  /**
   * Rotates the refresh token: the presented one is spent and a new one of the same family is issued. A spent
   * token presented again means it leaked: the whole family is revoked, so the thief's chain dies too.
   */
  async refresh(body: unknown): Promise<AuthTokensView> {
    const { refresh_token } = validateInput(RefreshRequest, body);
    const now = new Date();
    const checked: Refreshed = await this.tx.transaction(async () => {
      const row = await this.refreshTokens.lockByHash(hashOpaqueToken(refresh_token));
      if (!row) return { ok: false, error: GatewayErrors.invalidRefreshToken() };
      if (row.revokedAt) {
        if (row.replacedBy) {
          await this.refreshTokens.revokeFamily(row.familyId, now);
          this.log.warn(
            { member_id: row.memberId, family_id: row.familyId },
            'refresh token reused; family revoked',
          );
        }
        return { ok: false, error: GatewayErrors.invalidRefreshToken() };
      }
      if (row.expiresAt <= now) return { ok: false, error: GatewayErrors.invalidRefreshToken() };
      const member = await this.memberOr(row.memberId, null);
      if (!member?.is_active) {
        await this.refreshTokens.revokeFamily(row.familyId, now);
        return {
          ok: false,
          error: member ? GatewayErrors.accountInactive() : GatewayErrors.invalidRefreshToken(),
        };
      }
      return { ok: true, member, familyId: row.familyId, replacing: row.id };
    });
    if (!checked.ok) throw checked.error;
    return this.signIn(checked.member, checked.familyId, checked.replacing);
  }

  /** Revokes the given refresh token (if it is the caller's), or with `all:true` every session of the caller. */
  async logout(principal: UserPrincipal, body: unknown): Promise<void> {
    const input = validateInput(LogoutRequest, body ?? {});
    if (!input.all && !input.refresh_token) {
      throw new BadRequestError('Send refresh_token or all:true', {
        validation_errors: [
          { path: 'refresh_token', message: 'refresh_token or all:true is required', code: 'required' },
        ],
      });
    }
    const now = new Date();
    await this.tx.transaction(async () => {
      if (input.all) {
        await this.refreshTokens.revokeAllOfMember(principal.memberId, now);
        return;
      }
      const row = await this.refreshTokens.lockByHash(hashOpaqueToken(input.refresh_token!));
      if (row && row.memberId === principal.memberId) await this.refreshTokens.revoke(row.id, now);
    });
  }

  /** Every session of a member ends (the member was deactivated). */
  async revokeSessions(memberId: string): Promise<void> {
    await this.tx.transaction(() => this.refreshTokens.revokeAllOfMember(memberId, new Date()));
  }

  async me(principal: UserPrincipal): Promise<MeView> {
    const member = await this.rpc.request<TeamMemberView>(Queries.LeadsGetTeamMember, {
      id: principal.memberId,
    });
    const credential = await this.credentials.findByMember(principal.memberId);
    // The member's own profile, without the load figure the team views add.
    const { current_leads: _load, ...profile } = member;
    return { ...profile, is_two_factor_enabled: credential?.twoFactorEnabled ?? false };
  }

  /** An access token and a new refresh token of `familyId` (spending `replacing`, when rotating). */
  private async signIn(
    member: TeamMemberView,
    familyId: string,
    replacing?: string,
  ): Promise<AuthTokensView> {
    const refreshToken = newOpaqueToken();
    const now = new Date();
    await this.tx.transaction(async () => {
      const id = await this.refreshTokens.insert({
        memberId: member.id,
        familyId,
        tokenHash: hashOpaqueToken(refreshToken),
        expiresAt: new Date(now.getTime() + this.config.REFRESH_TOKEN_TTL_DAYS * DAY_MS),
      });
      if (replacing) await this.refreshTokens.markRotated(replacing, id, now);
    });
    const claims: AccessTokenClaims = {
      sub: member.id,
      id: member.id,
      email: member.email,
      role: member.role,
      typ: 'access',
      jti: randomUUID(),
    };
    const token = await this.jwt.signAsync(claims, { expiresIn: this.config.JWT_ACCESS_TTL });
    return {
      user: userOf(member),
      token,
      refresh_token: refreshToken,
      expires_in: this.config.JWT_ACCESS_TTL,
      token_type: 'Bearer',
    };
  }

  /** The member, or `fallback` thrown (or returned when null) when leads no longer knows them. */
  private async memberOr(id: string, fallback: Error): Promise<TeamMemberView>;
  private async memberOr(id: string, fallback: null): Promise<TeamMemberView | null>;
  private async memberOr(id: string, fallback: Error | null): Promise<TeamMemberView | null> {
    try {
      return await this.rpc.request<TeamMemberView>(Queries.LeadsGetTeamMember, { id });
    } catch (error) {
      if (!(error instanceof DomainError) || error.status !== 404) throw error;
      if (fallback) throw fallback;
      return null;
    }
  }
}

function userOf(member: TeamMemberView): AuthUserView {
  return { id: member.id, email: member.email, name: member.name, role: member.role, avatar: member.avatar };
}
