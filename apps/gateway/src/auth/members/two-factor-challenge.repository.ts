import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';

export interface TwoFactorChallengeRow {
  id: string;
  memberId: string;
  expiresAt: Date;
  failedAttempts: number;
  usedAt: Date | null;
}

/** The only code that touches `gateway.two_factor_challenges` (hashes only; the plaintext is never stored). */
@Injectable()
export class TwoFactorChallengeRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insert(memberId: string, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO two_factor_challenges (member_id, token_hash, expires_at) VALUES ($1, $2, $3)`,
      [memberId, tokenHash, expiresAt],
    );
  }

  /** The challenge with this hash, locked until the transaction ends (it is redeemed at most once). */
  async lockByHash(tokenHash: string): Promise<TwoFactorChallengeRow | null> {
    const rows: TwoFactorChallengeRow[] = await this.tx.manager.query(
      `SELECT id, member_id AS "memberId", expires_at AS "expiresAt", failed_attempts AS "failedAttempts",
              used_at AS "usedAt"
         FROM two_factor_challenges WHERE token_hash = $1 FOR UPDATE`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }

  async recordFailedAttempt(id: string): Promise<void> {
    await this.tx.manager.query(
      `UPDATE two_factor_challenges SET failed_attempts = failed_attempts + 1 WHERE id = $1`,
      [id],
    );
  }

  async markUsed(id: string, at: Date): Promise<void> {
    await this.tx.manager.query(`UPDATE two_factor_challenges SET used_at = $2 WHERE id = $1`, [id, at]);
  }

  /** The member's challenges that expired before `before`: kept that long only to answer TOKEN_EXPIRED. */
  async deleteExpired(memberId: string, before: Date): Promise<void> {
    await this.tx.manager.query(
      `DELETE FROM two_factor_challenges WHERE member_id = $1 AND expires_at < $2`,
      [memberId, before],
    );
  }
}
