import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';

/** The stored run-time settings (one row); secrets only in encrypted form. */
export interface StoredMocoSettings {
  subdomain: string | null;
  base_url: string | null;
  api_key_encrypted: string | null;
  webhook_keys_encrypted: string | null;
  enabled: boolean;
  updated_at: Date;
}

export type MocoSettingsChange = Partial<Omit<StoredMocoSettings, 'updated_at'>>;

@Injectable()
export class SettingsRepository {
  constructor(private readonly tx: TransactionHost) {}

  async find(): Promise<StoredMocoSettings | null> {
    const rows: StoredMocoSettings[] = await this.tx.manager.query(
      `SELECT subdomain, base_url, api_key_encrypted, webhook_keys_encrypted, enabled, updated_at
         FROM settings WHERE id = 1`,
    );
    return rows[0] ?? null;
  }

  /** Writes the given fields; absent ones keep their stored value. */
  async save(change: MocoSettingsChange): Promise<void> {
    const columns = Object.keys(change) as (keyof MocoSettingsChange)[];
    const values = columns.map((c) => change[c]);
    const sets = columns.map((c, i) => `${c} = $${i + 1}`);
    await this.tx.manager.query(
      `INSERT INTO settings (id, ${columns.join(', ')}) VALUES (1, ${columns.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${[...sets, 'updated_at = now()'].join(', ')}`,
      values,
    );
  }
}
