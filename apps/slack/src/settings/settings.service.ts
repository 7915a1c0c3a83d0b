import { Injectable } from '@nestjs/common';
import {
  ValidationFailedError,
  type ActorRef,
  type SlackChannelView,
  type SlackConfigView,
  type UpdateSlackConfigCommand,
} from '@crm/contracts';
import { AppLogger, SecretCipher, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { SlackConfig } from '../config/slack.config';
import type { ChannelTarget, SlackSettings } from './slack-settings';
import { SettingsRepository, type StoredChannelTarget, type StoredSettings } from './settings.repository';

/** Associated data binding each encrypted value to its column, so one cannot be swapped for another. */
const WEBHOOK_URL_AAD = 'slack.settings.webhook_url';
const BOT_TOKEN_AAD = 'slack.settings.bot_token';
const CHANNEL_WEBHOOK_URL_AAD = 'slack.settings.channels.webhook_url';

/**
 * The Slack settings (api.md §15.6), editable at run time. Until something is saved, the SLACK_* environment
 * gives them; the first save starts from those values, and from then on the stored row alone applies (so a
 * secret cleared with `null` stays cleared). Secrets are encrypted at rest with ENCRYPTION_KEY and leave this
 * class only decrypted for use (`current()`), never in a view.
 */
@Injectable()
export class SettingsService {
  private readonly log: Logger;

  constructor(
    private readonly repository: SettingsRepository,
    private readonly cipher: SecretCipher,
    private readonly config: SlackConfig,
    private readonly tx: TransactionHost,
    logger: AppLogger,
  ) {
    this.log = logger.child('slack-settings');
  }

  async current(): Promise<SlackSettings> {
    const stored = await this.repository.load();
    return stored ? this.decrypt(stored) : this.fromEnvironment();
  }

  async getConfig(): Promise<SlackConfigView> {
    return viewOf(await this.current());
  }

  async updateConfig({ body, actor }: UpdateSlackConfigCommand): Promise<SlackConfigView> {
    const changed = Object.entries(body)
      .filter(([, value]) => value !== undefined)
      .map(([key]) => key);
    if (!changed.length) {
      throw new ValidationFailedError(
        [{ path: 'body', message: 'at least one setting is required', code: 'required' }],
        'The body names no setting to change',
      );
    }
    const saved = await this.tx.transaction(async () => {
      await this.repository.lockForChange();
      const next = { ...(await this.current()) };
      if (body.enabled !== undefined) next.enabled = body.enabled;
      if (body.mode !== undefined) next.mode = body.mode;
      if (body.webhook_url !== undefined) next.webhookUrl = body.webhook_url || null;
      if (body.bot_token !== undefined) next.botToken = body.bot_token || null;
      if (body.default_channel !== undefined) next.defaultChannel = body.default_channel || null;
      if (body.alerts !== undefined) next.alerts = body.alerts;
      if (body.channels !== undefined) {
        next.channels = Object.fromEntries(
          Object.entries(body.channels).map(([name, target]): [string, ChannelTarget] => [
            name.trim(),
            'webhook_url' in target
              ? { kind: 'webhook', webhookUrl: target.webhook_url }
              : { kind: 'channel_id', channelId: target.channel_id },
          ]),
        );
      }
      return this.repository.save(this.encrypt(next), actorName(actor));
    });
    // Which settings changed, never their values (secrets, and webhook URLs are secrets).
    this.log.info({ changed, actor_id: actor.id }, 'slack settings changed');
    return viewOf(this.decrypt(saved));
  }

  /** The SLACK_* environment as settings: what applies while nothing is stored. */
  private fromEnvironment(): SlackSettings {
    const webhookUrl = this.config.SLACK_WEBHOOK_URL ?? null;
    const botToken = this.config.SLACK_BOT_TOKEN ?? null;
    const channels: Record<string, ChannelTarget> = {};
    // With both, SLACK_WEBHOOK_CHANNELS go to the webhook and every other channel to the bot.
    if (webhookUrl && botToken) {
      for (const name of this.config.SLACK_WEBHOOK_CHANNELS ?? []) {
        channels[name] = { kind: 'webhook', webhookUrl };
      }
    }
    return {
      enabled: true,
      mode: botToken ? 'bot' : 'webhook',
      webhookUrl,
      botToken,
      defaultChannel: this.config.SLACK_DEFAULT_CHANNEL ?? null,
      channels,
      alerts: {},
      version: 'env',
      updatedAt: null,
    };
  }

  private decrypt(stored: StoredSettings): SlackSettings {
    const channels: Record<string, ChannelTarget> = {};
    for (const [name, target] of Object.entries(stored.channels ?? {})) {
      channels[name] =
        'webhook_url_encrypted' in target
          ? {
              kind: 'webhook',
              webhookUrl: this.cipher.decrypt(target.webhook_url_encrypted, CHANNEL_WEBHOOK_URL_AAD),
            }
          : { kind: 'channel_id', channelId: target.channel_id };
    }
    const updatedAt = new Date(stored.updated_at);
    return {
      enabled: stored.enabled,
      mode: stored.mode,
      webhookUrl:
        stored.webhook_url_encrypted && this.cipher.decrypt(stored.webhook_url_encrypted, WEBHOOK_URL_AAD),
      botToken: stored.bot_token_encrypted && this.cipher.decrypt(stored.bot_token_encrypted, BOT_TOKEN_AAD),
      defaultChannel: stored.default_channel,
      channels,
      alerts: stored.alerts ?? {},
      version: updatedAt.toISOString(),
      updatedAt,
    };
  }

  private encrypt(settings: SlackSettings): Omit<StoredSettings, 'updated_at'> {
    const channels: Record<string, StoredChannelTarget> = {};
    for (const [name, target] of Object.entries(settings.channels)) {
      channels[name] =
        target.kind === 'webhook'
          ? { webhook_url_encrypted: this.cipher.encrypt(target.webhookUrl, CHANNEL_WEBHOOK_URL_AAD) }
          : { channel_id: target.channelId };
    }
    return {
      enabled: settings.enabled,
      mode: settings.mode,
      webhook_url_encrypted: settings.webhookUrl && this.cipher.encrypt(settings.webhookUrl, WEBHOOK_URL_AAD),
      bot_token_encrypted: settings.botToken && this.cipher.encrypt(settings.botToken, BOT_TOKEN_AAD),
      default_channel: settings.defaultChannel,
      channels,
      alerts: settings.alerts,
    };
  }
}

export function viewOf(settings: SlackSettings): SlackConfigView {
  const channels: Record<string, SlackChannelView> = {};
  for (const [name, target] of Object.entries(settings.channels)) {
    channels[name] =
      target.kind === 'webhook'
        ? { target: 'webhook', configured: target.webhookUrl.length > 0 }
        : { target: 'channel_id', configured: settings.botToken !== null };
  }
  return {
    enabled: settings.enabled,
    mode: settings.mode,
    webhook_configured: settings.webhookUrl !== null,
    bot_token_configured: settings.botToken !== null,
    default_channel: settings.defaultChannel,
    channels,
    alerts: settings.alerts,
  };
}

function actorName(actor: ActorRef): string | null {
  return actor.id ? `${actor.type}:${actor.id}` : actor.type;
}
