import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '../../config/gateway.config';
import { GatewayErrors } from '../../http/gateway-errors';
import type { MemberCredential } from './member-credential.repository';

/**
 * Brute-force protection of an account (api.md §3): after LOGIN_MAX_FAILURES failed checks (wrong passwords,
 * and wrong 2FA codes) it is locked for LOGIN_LOCKOUT_SECONDS, counted from the last failure.
 */
@Injectable()
export class LoginLockout {
  constructor(private readonly config: GatewayConfig) {}

  /** 429 RATE_LIMIT_EXCEEDED with Retry-After while the account is locked. */
  assertOpen(credential: Pick<MemberCredential, 'failedLogins' | 'lastFailedLoginAt'>, now: Date): void {
    const lockedFor = this.lockedSeconds(credential.failedLogins, credential.lastFailedLoginAt, now);
    if (lockedFor > 0) throw GatewayErrors.tooManyLoginAttempts(lockedFor);
  }

  private lockedSeconds(failures: number, lastFailure: Date | null, now: Date): number {
    if (failures < this.config.LOGIN_MAX_FAILURES || !lastFailure) return 0;
    const until = lastFailure.getTime() + this.config.LOGIN_LOCKOUT_SECONDS * 1000;
    return Math.max(0, Math.ceil((until - now.getTime()) / 1000));
  }
}
