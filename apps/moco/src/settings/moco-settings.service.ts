import { Injectable } from '@nestjs/common';
import {
  ErrorCode,
  DomainError,
  UpdateMocoConfigBody,
  ValidationFailedError,
  type MocoConfigView,
} from '@crm/contracts';
import { encryptionKeyOf, SecretCipher } from '@crm/service-kit';
import { MocoConfig } from '../config/moco.config';
import type { MocoConnection } from '../moco-client/moco-api';
import { SettingsRepository, type MocoSettingsChange } from './settings.repository';

/** Associated data of each stored secret, so a ciphertext moved to another column does not decrypt. */
const API_KEY_AAD = 'moco.settings.api_key';
const WEBHOOK_KEYS_AAD = 'moco.settings.webhook_keys';

/** The settings in effect: stored ones over the environment's defaults. */
export interface MocoSettings {
  subdomain: string | null;
  enabled: boolean;
  connection: MocoConnection | null;
  webhookKeys: string[];
  /** Changes whenever the stored settings do (status cache key). */
  version: string;
}

@Injectable()
export class MocoSettingsService {
  private readonly cipher: SecretCipher;

  constructor(
    private readonly repository: SettingsRepository,
    private readonly config: MocoConfig,
  ) {
    this.cipher = new SecretCipher(encryptionKeyOf(config.ENCRYPTION_KEY));
  }

  async current(): Promise<MocoSettings> {
    const stored = await this.repository.find();
    const subdomain = stored?.subdomain ?? this.config.MOCO_SUBDOMAIN ?? null;
    const baseUrl =
      stored?.base_url ??
      (stored?.subdomain ? urlOf(stored.subdomain) : undefined) ??
      this.config.MOCO_BASE_URL ??
      (subdomain ? urlOf(subdomain) : undefined);
    const apiKey = stored?.api_key_encrypted
      ? this.cipher.decrypt(stored.api_key_encrypted, API_KEY_AAD)
      : this.config.MOCO_API_KEY;
    const webhookKeys = stored?.webhook_keys_encrypted
      ? (JSON.parse(this.cipher.decrypt(stored.webhook_keys_encrypted, WEBHOOK_KEYS_AAD)) as string[])
      : this.config.MOCO_WEBHOOK_KEYS;
    return {
      subdomain,
      enabled: stored?.enabled ?? true,
      connection: baseUrl && apiKey ? { baseUrl: baseUrl.replace(/\/+$/, ''), apiKey } : null,
      webhookKeys,
      version: stored?.updated_at.toISOString() ?? 'env',
    };
  }

  /** The connection of an enabled, configured MOCO; otherwise 422 INTEGRATION_NOT_CONFIGURED. */
  async requireConnection(): Promise<MocoConnection> {
    const settings = await this.current();
    if (!settings.enabled || !settings.connection) throw notConfigured(settings.enabled);
    return settings.connection;
  }

  async view(): Promise<MocoConfigView> {
    return viewOf(await this.current());
  }

  async update(body: UpdateMocoConfigBody): Promise<MocoConfigView & { message: string }> {
    if (Object.values(body).every((value) => value === undefined)) {
      throw new ValidationFailedError(
        [{ path: '', message: 'The body must set at least one setting', code: 'empty_body' }],
        'Empty configuration body',
      );
    }
    const change: MocoSettingsChange = {};
    if (body.subdomain !== undefined) change.subdomain = body.subdomain;
    if (body.base_url !== undefined) change.base_url = body.base_url;
    if (body.enabled !== undefined) change.enabled = body.enabled;
    if (body.api_key !== undefined) {
      change.api_key_encrypted = body.api_key === '' ? null : this.cipher.encrypt(body.api_key, API_KEY_AAD);
    }
    if (body.webhook_keys !== undefined) {
      const keys = body.webhook_keys.map((k) => k.toLowerCase());
      change.webhook_keys_encrypted = this.cipher.encrypt(JSON.stringify(keys), WEBHOOK_KEYS_AAD);
    }
    await this.repository.save(change);
    return { message: 'MOCO configuration updated', ...(await this.view()) };
  }
}

export function notConfigured(enabled: boolean): DomainError {
  return new DomainError(
    ErrorCode.IntegrationNotConfigured,
    enabled ? 'MOCO is not configured: set api_key and subdomain (or base_url)' : 'MOCO is disabled',
    422,
    { integration: 'moco' },
  );
}

function viewOf(settings: MocoSettings): MocoConfigView {
  return {
    subdomain: settings.subdomain,
    api_configured: settings.connection !== null,
    webhook_configured: settings.webhookKeys.length > 0,
    enabled: settings.enabled,
  };
}

function urlOf(subdomain: string): string {
  return `https://${subdomain}.mocoapp.com/api/v1`;
}
