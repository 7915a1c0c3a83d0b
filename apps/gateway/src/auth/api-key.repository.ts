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

/** The only code that touches `gateway.api_keys`. */
@Injectable()
export class ApiKeyRepository {
  constructor(private readonly tx: TransactionHost) {}

  findByHash(keyHash: string): Promise<ApiKeyEntity | null> {
    return this.tx.manager.getRepository(ApiKeyEntity).findOneBy({ keyHash });
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
