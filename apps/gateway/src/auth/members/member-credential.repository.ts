import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';

export interface MemberCredential {
  memberId: string;
  email: string;
  passwordHash: string;
  twoFactorEnabled: boolean;
  /** Encrypted (SecretCipher); set while 2FA is on, or pending between `2fa/setup` and `2fa/verify`. */
  twoFactorSecret: string | null;
  /** The last TOTP time step a code was accepted for. */
  twoFactorLastStep: number | null;
  failedLogins: number;
  lastFailedLoginAt: Date | null;
}

const COLUMNS = `member_id AS "memberId", email, password_hash AS "passwordHash",
  two_factor_enabled AS "twoFactorEnabled", two_factor_secret AS "twoFactorSecret",
  two_factor_last_step AS "twoFactorLastStep", failed_logins AS "failedLogins",
  last_failed_login_at AS "lastFailedLoginAt"`;

/** The only code that touches `gateway.member_credentials`. */
@Injectable()
export class MemberCredentialRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Serialises registrations, so exactly one can be the first. Held until the transaction ends. */
  async lockRegistrations(): Promise<void> {
    await this.tx.manager.query(`SELECT pg_advisory_xact_lock(hashtext('gateway.member_registration'))`);
  }

  async any(): Promise<boolean> {
    const rows: unknown[] = await this.tx.manager.query(`SELECT 1 FROM member_credentials LIMIT 1`);
    return rows.length > 0;
  }

  async findByEmail(email: string): Promise<MemberCredential | null> {
    const rows: MemberCredential[] = await this.tx.manager.query(
      `SELECT ${COLUMNS} FROM member_credentials WHERE lower(email) = lower($1)`,
      [email],
    );
    return rows[0] ?? null;
  }

  async findByMember(memberId: string): Promise<MemberCredential | null> {
    const rows: MemberCredential[] = await this.tx.manager.query(
      `SELECT ${COLUMNS} FROM member_credentials WHERE member_id = $1`,
      [memberId],
    );
    return rows[0] ?? null;
  }

  /** The member's credential, locked until the transaction ends (2FA changes and code checks run one at a time). */
  async lockByMember(memberId: string): Promise<MemberCredential | null> {
    const rows: MemberCredential[] = await this.tx.manager.query(
      `SELECT ${COLUMNS} FROM member_credentials WHERE member_id = $1 FOR UPDATE`,
      [memberId],
    );
    return rows[0] ?? null;
  }

  async insert(memberId: string, email: string, passwordHash: string): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO member_credentials (member_id, email, password_hash) VALUES ($1, $2, $3)`,
      [memberId, email, passwordHash],
    );
  }

  async recordFailedLogin(memberId: string, at: Date): Promise<void> {
    await this.tx.manager.query(
      `UPDATE member_credentials SET failed_logins = failed_logins + 1, last_failed_login_at = $2 WHERE member_id = $1`,
      [memberId, at],
    );
  }

  async clearFailedLogins(memberId: string): Promise<void> {
    await this.tx.manager.query(
      `UPDATE member_credentials SET failed_logins = 0, last_failed_login_at = NULL
        WHERE member_id = $1 AND failed_logins > 0`,
      [memberId],
    );
  }

  /** A new pending secret replaces any earlier one; 2FA stays off until `enableTwoFactor`. */
  async setPendingTwoFactorSecret(memberId: string, encryptedSecret: string): Promise<void> {
    await this.tx.manager.query(
      `UPDATE member_credentials SET two_factor_secret = $2, two_factor_last_step = NULL, updated_at = now()
        WHERE member_id = $1`,
      [memberId, encryptedSecret],
    );
  }

  async enableTwoFactor(memberId: string, usedStep: number): Promise<void> {
    await this.tx.manager.query(
      `UPDATE member_credentials SET two_factor_enabled = true, two_factor_last_step = $2, updated_at = now()
        WHERE member_id = $1`,
      [memberId, usedStep],
    );
  }

  async disableTwoFactor(memberId: string): Promise<void> {
    await this.tx.manager.query(
      `UPDATE member_credentials
          SET two_factor_enabled = false, two_factor_secret = NULL, two_factor_last_step = NULL, updated_at = now()
        WHERE member_id = $1`,
      [memberId],
    );
  }

  async recordTwoFactorStep(memberId: string, usedStep: number): Promise<void> {
    await this.tx.manager.query(
      `UPDATE member_credentials SET two_factor_last_step = $2 WHERE member_id = $1`,
      [memberId, usedStep],
    );
  }
}
