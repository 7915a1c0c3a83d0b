import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';

/** The settings row as stored: secrets only in their encrypted form. */
export interface StoredSettings {
  base_url: string | null;
  api_key_encrypted: string | null;
  webhook_secret_encrypted: string | null;
  booking_url: string | null;
  service_id: string | null;
  enabled: boolean;
  booking_stage_by_pipeline: Record<string, string>;
  email_template_html: string | null;
  updated_at: Date | null;
}

export type SettingsPatch = Partial<Omit<StoredSettings, 'updated_at'>>;

const COLUMNS = [
  'base_url',
  'api_key_encrypted',
  'webhook_secret_encrypted',
  'booking_url',
  'service_id',
  'enabled',
  'booking_stage_by_pipeline',
  'email_template_html',
] as const;

const EMPTY: StoredSettings = {
  base_url: null,
  api_key_encrypted: null,
  webhook_secret_encrypted: null,
  booking_url: null,
  service_id: null,
  enabled: false,
  booking_stage_by_pipeline: {},
  email_template_html: null,
  updated_at: null,
};

/** The only code touching the settings table (one row, id 1). */
@Injectable()
export class SettingsRepository {
  constructor(private readonly tx: TransactionHost) {}

  async load(): Promise<StoredSettings> {
    const rows: StoredSettings[] = await this.tx.manager.query(
      `SELECT ${COLUMNS.join(', ')}, updated_at FROM settings WHERE id = 1`,
    );
    return rows[0] ?? { ...EMPTY };
  }

  /** Writes the given columns (others unchanged), creating the row on first use; returns the new state. */
  async save(patch: SettingsPatch, updatedBy: string | null): Promise<StoredSettings> {
    const columns = COLUMNS.filter((c) => patch[c] !== undefined);
    const values = columns.map((c) =>
      c === 'booking_stage_by_pipeline' ? JSON.stringify(patch[c]) : (patch[c] as unknown),
    );
    const assignments = columns.map((c, i) => `${c} = $${i + 2}`);
    await this.tx.manager.query(
      `INSERT INTO settings (id, updated_by) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`,
      [updatedBy],
    );
    await this.tx.manager.query(
      `UPDATE settings SET ${[...assignments, 'updated_by = $1', 'updated_at = now()'].join(', ')} WHERE id = 1`,
      [updatedBy, ...values],
    );
    return this.load();
  }
}
