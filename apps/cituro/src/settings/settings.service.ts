import { Injectable } from '@nestjs/common';
import {
  BadRequestError,
  type ActorRef,
  type CituroConfigView,
  type CituroStatusView,
  type CituroTemplateView,
  type UpdateCituroConfigCommand,
  type UpdateCituroTemplateCommand,
} from '@crm/contracts';
import { AppLogger, SecretCipher, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { CituroConfig } from '../config/cituro.config';
import { DEFAULT_BOOKING_TEMPLATE_HTML, type CituroSettings } from './cituro-settings';
import { SettingsRepository, type SettingsPatch, type StoredSettings } from './settings.repository';
import { StatusCheck } from './status-check';

/** Associated data binding each encrypted value to its column, so one cannot be swapped for the other. */
const API_KEY_AAD = 'cituro.settings.api_key';
const WEBHOOK_SECRET_AAD = 'cituro.settings.webhook_secret';

/**
 * The Cituro account settings (api.md §15.3), editable at run time. Secrets are encrypted at rest with
 * ENCRYPTION_KEY and leave this class only decrypted for use (`current()`), never in a view.
 */
@Injectable()
export class SettingsService {
  private readonly log: Logger;

  constructor(
    private readonly repository: SettingsRepository,
    private readonly cipher: SecretCipher,
    private readonly config: CituroConfig,
    private readonly statusCheck: StatusCheck,
    private readonly tx: TransactionHost,
    logger: AppLogger,
  ) {
    this.log = logger.child('cituro-settings');
  }

  async current(): Promise<CituroSettings> {
    return this.decrypt(await this.repository.load());
  }

  async getConfig(): Promise<CituroConfigView> {
    return this.configView(await this.repository.load());
  }

  async updateConfig({ body, actor }: UpdateCituroConfigCommand): Promise<CituroConfigView> {
    const patch: SettingsPatch = {};
    if (body.api_key !== undefined) patch.api_key_encrypted = this.encrypt(body.api_key, API_KEY_AAD);
    if (body.webhook_secret !== undefined) {
      patch.webhook_secret_encrypted = this.encrypt(body.webhook_secret, WEBHOOK_SECRET_AAD);
    }
    if (body.base_url !== undefined) patch.base_url = body.base_url;
    if (body.booking_url !== undefined) patch.booking_url = body.booking_url;
    if (body.service_id !== undefined) patch.service_id = body.service_id;
    if (body.enabled !== undefined) patch.enabled = body.enabled;
    if (body.booking_stage_by_pipeline !== undefined) {
      patch.booking_stage_by_pipeline = body.booking_stage_by_pipeline;
    }
    if (!Object.keys(patch).length) {
      throw new BadRequestError('The body names no setting to change', {
        validation_errors: [{ path: 'body', message: 'at least one setting is required', code: 'required' }],
      });
    }
    const saved = await this.tx.transaction(() => this.repository.save(patch, actorName(actor)));
    this.log.info({ changed: Object.keys(body), actor_id: actor.id }, 'cituro settings changed');
    return this.configView(saved);
  }

  async getTemplate(): Promise<CituroTemplateView> {
    const stored = await this.repository.load();
    return { email_template_html: stored.email_template_html ?? DEFAULT_BOOKING_TEMPLATE_HTML };
  }

  async updateTemplate({
    body,
    actor,
  }: UpdateCituroTemplateCommand): Promise<{ success: true; email_template_html: string }> {
    const saved = await this.tx.transaction(() =>
      this.repository.save({ email_template_html: body.email_template_html }, actorName(actor)),
    );
    this.log.info({ actor_id: actor.id }, 'cituro booking template changed');
    return { success: true, email_template_html: saved.email_template_html ?? body.email_template_html };
  }

  async status(): Promise<CituroStatusView> {
    return this.statusCheck.status(await this.current());
  }

  private configView(stored: StoredSettings): CituroConfigView {
    return {
      base_url: stored.base_url ?? this.config.CITURO_BASE_URL,
      api_configured: stored.api_key_encrypted !== null,
      webhook_configured: stored.webhook_secret_encrypted !== null,
      booking_url: stored.booking_url,
      service_id: stored.service_id,
      enabled: stored.enabled,
      booking_stage_by_pipeline: stored.booking_stage_by_pipeline,
    };
  }

  private decrypt(stored: StoredSettings): CituroSettings {
    return {
      baseUrl: stored.base_url ?? this.config.CITURO_BASE_URL,
      apiKey: stored.api_key_encrypted && this.cipher.decrypt(stored.api_key_encrypted, API_KEY_AAD),
      webhookSecret:
        stored.webhook_secret_encrypted &&
        this.cipher.decrypt(stored.webhook_secret_encrypted, WEBHOOK_SECRET_AAD),
      bookingUrl: stored.booking_url,
      serviceId: stored.service_id,
      enabled: stored.enabled,
      bookingStageByPipeline: stored.booking_stage_by_pipeline,
      emailTemplateHtml: stored.email_template_html ?? DEFAULT_BOOKING_TEMPLATE_HTML,
      version: stored.updated_at?.toISOString() ?? 'unset',
    };
  }

  /** `null` (or an empty string) clears the secret. */
  private encrypt(value: string | null, associatedData: string): string | null {
    return value ? this.cipher.encrypt(value, associatedData) : null;
  }
}

function actorName(actor: ActorRef): string | null {
  return actor.id ? `${actor.type}:${actor.id}` : actor.type;
}
