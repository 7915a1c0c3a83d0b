import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';
import { ApiKeyEntity } from './api-key.entity';

export interface EnvApiKeyRow {
  name: string;
  source: string;
  allowedSources: string[];
  scopes: string[];
  prefix: string;
  keyHash: string;
}

export type NewApiKey = Pick<
  ApiKeyEntity,
  | 'name'
  | 'kind'
  | 'source'
  | 'allowedSources'
  | 'scopes'
  | 'prefix'
  | 'keyHash'
  | 'expiresAt'
  | 'rateLimitPerMinute'
  | 'rateLimitSet'
  | 'createdBy'
> &
  Partial<Pick<ApiKeyEntity, 'id' | 'secretCiphertext'>>;

/** The only code that touches `gateway.api_keys`. */
@Injectable()
export class ApiKeyRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get keys() {
    return this.tx.manager.getRepository(ApiKeyEntity);
  }

  /** The key with this hash, or whose replaced key has it and is still in its grace period. */
  findByHash(keyHash: string): Promise<ApiKeyEntity | null> {
    return this.keys
      .createQueryBuilder('key')
      .where('key.keyHash = :keyHash', { keyHash })
      .orWhere('(key.previous_key_hash = :keyHash AND key.previous_valid_until > now())', { keyHash })
      .getOne();
  }

  findById(id: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOneBy({ id });
  }

  /** Every key, newest first (env keys included). */
  list(): Promise<ApiKeyEntity[]> {
    return this.keys.find({ order: { createdAt: 'DESC', id: 'ASC' } });
  }

  async insert(key: NewApiKey): Promise<ApiKeyEntity> {
    return this.keys.save(this.keys.create(key));
  }

  /**
   * Signing secrets whose allowed_sources name this source (or `*`), revoked and expired ones included: their
   * existence alone decides whether WEBHOOK_SECRET may stand in (api.md §4.2).
   */
  findSigningSecretsFor(source: string): Promise<ApiKeyEntity[]> {
    return this.keys
      .createQueryBuilder('key')
      .where(`key.kind = 'signing_secret'`)
      .andWhere(`key.allowed_sources && ARRAY[:source, '*']::text[]`, { source })
      .orderBy('key.createdAt', 'DESC')
      .getMany();
  }

  /**
   * The new hash (and, for a signing secret, ciphertext) replaces the current one, which stays valid until
   * `previousValidUntil` (null: not at all).
   */
  async rotate(
    id: string,
    replacement: { keyHash: string; prefix: string; secretCiphertext?: string },
    previousValidUntil: Date | null,
  ): Promise<void> {
    await this.tx.manager.query(
      `UPDATE "gateway"."api_keys"
          SET previous_key_hash = CASE WHEN $4::timestamptz IS NULL THEN NULL ELSE key_hash END,
              previous_secret_ciphertext = CASE WHEN $4::timestamptz IS NULL THEN NULL ELSE secret_ciphertext END,
              previous_valid_until = $4, key_hash = $2, prefix = $3, secret_ciphertext = $5
        WHERE id = $1`,
      [id, replacement.keyHash, replacement.prefix, previousValidUntil, replacement.secretCiphertext ?? null],
    );
  }

  /** Deactivates the key; a signing secret's ciphertexts are wiped, as nothing may verify with them again. */
  async revoke(id: string): Promise<void> {
    await this.tx.manager.query(
      `UPDATE "gateway"."api_keys" SET is_active = false, previous_key_hash = NULL, previous_valid_until = NULL,
              secret_ciphertext = NULL, previous_secret_ciphertext = NULL
        WHERE id = $1`,
      [id],
    );
  }

  /** Inserts or refreshes the `API_KEYS` keys and deactivates env keys that are no longer listed. */
  async syncEnvKeys(rows: EnvApiKeyRow[]): Promise<void> {
    await this.tx.transaction(async () => {
      for (const row of rows) {
        await this.tx.manager.query(
          `INSERT INTO "gateway"."api_keys"
             (name, kind, source, allowed_sources, scopes, prefix, key_hash, is_active, managed_by_env)
           VALUES ($1, 'api_key', $2, $3, $4, $5, $6, true, true)
           ON CONFLICT (key_hash) DO UPDATE SET
             name = EXCLUDED.name, source = EXCLUDED.source, allowed_sources = EXCLUDED.allowed_sources,
             scopes = EXCLUDED.scopes, prefix = EXCLUDED.prefix, is_active = true, managed_by_env = true`,
          [row.name, row.source, row.allowedSources, row.scopes, row.prefix, row.keyHash],
        );
      }
      await this.tx.manager.query(
        `UPDATE "gateway"."api_keys" SET is_active = false
          WHERE managed_by_env AND is_active AND NOT (key_hash = ANY($1::text[]))`,
        [rows.map((r) => r.keyHash)],
      );
    });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.tx.manager.getRepository(ApiKeyEntity).update({ id }, { lastUsedAt: at });
  }
}
