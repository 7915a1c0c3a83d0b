import { Injectable } from '@nestjs/common';
import {
  BadRequestError,
  BusinessRuleError,
  ConflictError,
  TwoFactorDisableRequest,
  TwoFactorValidateRequest,
  TwoFactorVerifyRequest,
  type TwoFactorSetupView,
} from '@crm/contracts';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { GatewayErrors } from '../../http/gateway-errors';
import { validateInput } from '../../http/validation';
import type { UserPrincipal } from '../principal';
import { SecretCipher } from '@crm/service-kit';
import { LoginLockout } from './login-lockout';
import { MemberCredentialRepository, type MemberCredential } from './member-credential.repository';
import { hashOpaqueToken, newOpaqueToken } from './opaque-token';
import { PasswordHasher } from './password-hasher';
import { Totp } from './totp';
import { TwoFactorChallengeRepository } from './two-factor-challenge.repository';

/** api.md §3: a login challenge is valid 5 minutes and for 5 codes. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;
export const CHALLENGE_MAX_ATTEMPTS = 5;
/** Expired challenges are kept this long, so a late one still answers TOKEN_EXPIRED rather than "invalid". */
const EXPIRED_CHALLENGE_KEPT_MS = 24 * 3600 * 1000;

/** A check whose failure must be committed (attempt counts) before the caller hears the refusal. */
type Checked<T> = { ok: true; value: T } | { ok: false; error: Error };

/**
 * Optional TOTP second factor (api.md §3): setup (a pending secret), verify (switches it on), the login
 * challenge and its redemption, and disable. Secrets are stored encrypted; each accepted code's time step is
 * kept so a code is never accepted twice; wrong codes count toward the account lockout like wrong passwords.
 */
@Injectable()
export class TwoFactorService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly credentials: MemberCredentialRepository,
    private readonly challenges: TwoFactorChallengeRepository,
    private readonly cipher: SecretCipher,
    private readonly hasher: PasswordHasher,
    private readonly lockout: LoginLockout,
    logger: AppLogger,
  ) {
    this.log = logger.child('two-factor');
  }

  /** A new secret, pending until `verify`; calling again replaces it. 409 while 2FA is on. */
  async setup(principal: UserPrincipal): Promise<TwoFactorSetupView> {
    const secret = Totp.newSecret();
    const email = await this.tx.transaction(async () => {
      const credential = await this.lockedCredential(principal.memberId);
      if (credential.twoFactorEnabled) throw alreadyOn();
      await this.credentials.setPendingTwoFactorSecret(
        credential.memberId,
        this.cipher.encrypt(secret, secretContext(credential.memberId)),
      );
      return credential.email;
    });
    this.log.info({ member_id: principal.memberId }, 'two-factor setup started');
    return { secret, qrCodeUrl: Totp.uri(secret, email) };
  }

  /** A code of the pending secret switches 2FA on. */
  async verify(principal: UserPrincipal, body: unknown): Promise<{ success: true }> {
    const { token } = validateInput(TwoFactorVerifyRequest, body);
    const now = new Date();
    await this.tx.transaction(async () => {
      const credential = await this.lockedCredential(principal.memberId);
      if (credential.twoFactorEnabled) throw alreadyOn();
      if (!credential.twoFactorSecret) {
        throw new BusinessRuleError('No two-factor setup is pending: call POST /auth/2fa/setup first');
      }
      const step = this.acceptedStep(credential, token, now);
      if (step === null) {
        throw new BadRequestError('The code does not match the secret from setup', {
          validation_errors: [
            { path: 'token', message: 'The code is wrong or has expired', code: 'invalid_code' },
          ],
        });
      }
      await this.credentials.enableTwoFactor(credential.memberId, step);
    });
    this.log.info({ member_id: principal.memberId }, 'two-factor sign-in switched on');
    return { success: true };
  }

  /** Both factors again switch 2FA off. A wrong password or code counts toward the lockout. */
  async disable(principal: UserPrincipal, body: unknown): Promise<{ success: true }> {
    const input = validateInput(TwoFactorDisableRequest, body);
    const now = new Date();
    const credential = await this.credentials.findByMember(principal.memberId);
    if (!credential) throw GatewayErrors.invalidToken();
    if (!credential.twoFactorEnabled) throw notOn();
    this.lockout.assertOpen(credential, now);
    // Hashed outside the transaction: argon2 is slow and needs no row lock.
    const passwordMatches = await this.hasher.verify(credential.passwordHash, input.password);
    const checked: Checked<null> = await this.tx.transaction(async () => {
      const current = await this.lockedCredential(principal.memberId);
      if (!current.twoFactorEnabled) return { ok: false, error: notOn() };
      const step = passwordMatches ? this.acceptedStep(current, input.token, now) : null;
      if (step === null) {
        await this.credentials.recordFailedLogin(current.memberId, now);
        return { ok: false, error: GatewayErrors.invalidCredentials() };
      }
      await this.credentials.disableTwoFactor(current.memberId);
      await this.credentials.clearFailedLogins(current.memberId);
      return { ok: true, value: null };
    });
    if (!checked.ok) {
      this.log.info({ member_id: principal.memberId }, 'two-factor disable refused');
      throw checked.error;
    }
    this.log.info({ member_id: principal.memberId }, 'two-factor sign-in switched off');
    return { success: true };
  }

  /** After the right password of a member with 2FA on: the challenge `validate` redeems with a code. */
  async issueChallenge(memberId: string): Promise<string> {
    const token = newOpaqueToken();
    const now = Date.now();
    await this.tx.transaction(async () => {
      await this.challenges.deleteExpired(memberId, new Date(now - EXPIRED_CHALLENGE_KEPT_MS));
      await this.challenges.insert(memberId, hashOpaqueToken(token), new Date(now + CHALLENGE_TTL_MS));
    });
    return token;
  }

  /**
   * Redeems a login challenge with a code: the member id, once. An unknown, used or exhausted challenge → 401
   * AUTHENTICATION_ERROR, an expired one → 401 TOKEN_EXPIRED, a locked account → 429; a wrong (or already
   * used) code → 401 and one attempt of the challenge and one failure toward the lockout.
   */
  async redeemChallenge(body: unknown): Promise<string> {
    const input = validateInput(TwoFactorValidateRequest, body);
    const now = new Date();
    const checked: Checked<string> = await this.tx.transaction(async () => {
      const challenge = await this.challenges.lockByHash(hashOpaqueToken(input.challenge_token));
      if (!challenge || challenge.usedAt || challenge.failedAttempts >= CHALLENGE_MAX_ATTEMPTS) {
        return { ok: false, error: GatewayErrors.invalidTwoFactorChallenge() };
      }
      if (challenge.expiresAt <= now) return { ok: false, error: GatewayErrors.twoFactorChallengeExpired() };
      const credential = await this.credentials.lockByMember(challenge.memberId);
      // 2FA switched off since the password step: this challenge can no longer be completed.
      if (!credential?.twoFactorEnabled)
        return { ok: false, error: GatewayErrors.invalidTwoFactorChallenge() };
      this.lockout.assertOpen(credential, now);
      const step = this.acceptedStep(credential, input.token, now);
      if (step === null) {
        await this.challenges.recordFailedAttempt(challenge.id);
        await this.credentials.recordFailedLogin(credential.memberId, now);
        return { ok: false, error: GatewayErrors.invalidTwoFactorCode() };
      }
      await this.challenges.markUsed(challenge.id, now);
      await this.credentials.recordTwoFactorStep(credential.memberId, step);
      await this.credentials.clearFailedLogins(credential.memberId);
      return { ok: true, value: credential.memberId };
    });
    if (!checked.ok) {
      this.log.info('two-factor sign-in refused');
      throw checked.error;
    }
    return checked.value;
  }

  /** The time step of `code` if it is right now and newer than the last one accepted; else null. */
  private acceptedStep(credential: MemberCredential, code: string, now: Date): number | null {
    if (!credential.twoFactorSecret) return null;
    let secret: string;
    try {
      secret = this.cipher.decrypt(credential.twoFactorSecret, secretContext(credential.memberId));
    } catch {
      // Not the member's fault and not fixable by retrying: an operator changed ENCRYPTION_KEY.
      this.log.error(
        { member_id: credential.memberId },
        'stored two-factor secret cannot be decrypted; was ENCRYPTION_KEY changed?',
      );
      throw GatewayErrors.internal();
    }
    const step = Totp.stepOf(secret, code, now);
    if (step === null) return null;
    return credential.twoFactorLastStep !== null && step <= credential.twoFactorLastStep ? null : step;
  }

  private async lockedCredential(memberId: string): Promise<MemberCredential> {
    const credential = await this.credentials.lockByMember(memberId);
    // A valid access token of a member without an account: the account was removed since.
    if (!credential) throw GatewayErrors.invalidToken();
    return credential;
  }
}

/** Binds a stored secret to its row: copied to another member, it does not decrypt. */
function secretContext(memberId: string): string {
  return `member_credentials.two_factor_secret:${memberId}`;
}

const alreadyOn = () =>
  new ConflictError('Two-factor authentication is already on; disable it first to set up a new secret', {
    is_two_factor_enabled: true,
  });
const notOn = () => new BusinessRuleError('Two-factor authentication is not on');
