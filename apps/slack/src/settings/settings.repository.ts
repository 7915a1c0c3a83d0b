import { Injectable } from '@nestjs/common';
import type { SlackAlertType, SlackMode } from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';

/** A channel's target as stored: a webhook URL only in its encrypted form. */
export type StoredChannelTarget = { webhook_url_encrypted: string } | { channel_id: string };

/** The settings row as stored: secrets only in their encrypted form. */
export interface StoredSettings {
  enabled: boolean;
  mode: SlackMode;
  webhook_url_encrypted: string | null;
  bot_token_encrypted: string | null;
  default_channel: string | null;
  channels: Record<string, StoredChannelTarget>;
  alerts: Partial<Record<SlackAlertType, string>>;
  updated_at: Date;
}

/** The only code touching the settings table (one row, id 1; none while the environment's defaults apply). */
@Injectable()
export class SettingsRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Serialises changes until the transaction ends: a change reads the settings, then writes them whole. */
  async lockForChange(): Promise<void> {
    await this.tx.manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('slack.settings', 0))`);
  }

  async load(): Promise<StoredSettings | null> {
    const rows: StoredSettings[] = await this.tx.manager.query(
      `SELECT enabled, mode, webhook_url_encrypted, bot_token_encrypted, default_channel, channels, alerts,
              updated_at
         FROM settings WHERE id = 1`,
    );
    return rows[0] ?? null;
  }

  /** Stores the whole settings (creating the row on first use) and returns them as stored. */
  async save(
    settings: Omit<StoredSettings, 'updated_at'>,
    updatedBy: string | null,
  ): Promise<StoredSettings> {
    const [row]: StoredSettings[] = await this.tx.manager.query(
      `INSERT INTO settings
         (id, enabled, mode, webhook_url_encrypted, bot_token_encrypted, default_channel, channels, alerts,
          updated_by, updated_at)
       VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, clock_timestamp())
       ON CONFLICT (id) DO UPDATE SET
         enabled = EXCLUDED.enabled, mode = EXCLUDED.mode, webhook_url_encrypted = EXCLUDED.webhook_url_encrypted,
         bot_token_encrypted = EXCLUDED.bot_token_encrypted, default_channel = EXCLUDED.default_channel,
         channels = EXCLUDED.channels, alerts = EXCLUDED.alerts, updated_by = EXCLUDED.updated_by,
         updated_at = EXCLUDED.updated_at
       RETURNING enabled, mode, webhook_url_encrypted, bot_token_encrypted, default_channel, channels, alerts,
                 updated_at`,
      [
        settings.enabled,
        settings.mode,
        settings.webhook_url_encrypted,
        settings.bot_token_encrypted,
        settings.default_channel,
        JSON.stringify(settings.channels),
        JSON.stringify(settings.alerts),
        updatedBy,
      ],
    );
    return row;
  }
}
