import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';

export interface RefreshTokenRow {
  id: string;
  memberId: string;
  familyId: string;
  expiresAt: Date;
  revokedAt: Date | null;
  replacedBy: string | null;
}

/** The only code that touches `gateway.refresh_tokens` (hashes only; the plaintext is never stored). */
@Injectable()
export class RefreshTokenRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** The token with this hash, locked until the transaction ends (a rotation happens once). */
  async lockByHash(tokenHash: string): Promise<RefreshTokenRow | null> {
    const rows: RefreshTokenRow[] = await this.tx.manager.query(
      `SELECT id, member_id AS "memberId", family_id AS "familyId", expires_at AS "expiresAt",
              revoked_at AS "revokedAt", replaced_by AS "replacedBy"
         FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }

  async insert(row: {
    memberId: string;
    familyId: string;
    tokenHash: string;
    expiresAt: Date;
  }): Promise<string> {
    const rows: { id: string }[] = await this.tx.manager.query(
      `INSERT INTO refresh_tokens (member_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)
       RETURNING id`,
      [row.memberId, row.familyId, row.tokenHash, row.expiresAt],
    );
    return rows[0].id;
  }

  async markRotated(id: string, replacedBy: string, at: Date): Promise<void> {
    await this.tx.manager.query(`UPDATE refresh_tokens SET revoked_at = $3, replaced_by = $2 WHERE id = $1`, [
      id,
      replacedBy,
      at,
    ]);
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.tx.manager.query(
      `UPDATE refresh_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`,
      [id, at],
    );
  }

  async revokeFamily(familyId: string, at: Date): Promise<void> {
    await this.tx.manager.query(
      `UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL`,
      [familyId, at],
    );
  }

  async revokeAllOfMember(memberId: string, at: Date): Promise<void> {
    await this.tx.manager.query(
      `UPDATE refresh_tokens SET revoked_at = $2 WHERE member_id = $1 AND revoked_at IS NULL`,
      [memberId, at],
    );
  }
}
