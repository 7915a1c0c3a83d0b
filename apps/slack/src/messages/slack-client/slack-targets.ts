import { Injectable } from '@nestjs/common';
import { SlackConfig } from '../../config/slack.config';
import { channelTargetOf, type SlackSettings } from '../../settings/slack-settings';
import { BotSlackClient } from './bot-slack-client';
import type { SlackClient } from './slack-client';
import { WebhookSlackClient } from './webhook-slack-client';

/** Where a message for a channel goes: the client, and the channel to name in the call. */
export type SlackTarget =
  { configured: true; client: SlackClient; channel: string } | { configured: false; reason: string };

export interface ResolveOptions {
  /** Bound of each Slack call through the client (default SLACK_HTTP_TIMEOUT_MS). */
  timeoutMs?: number;
  /** A test post (api.md §15.6) checks the settings even while the integration is disabled. */
  evenIfDisabled?: boolean;
}

/**
 * Picks how a channel is reached (api.md §15.6: one target per channel). A channel named in the settings uses
 * its own target: its webhook, or its channel id through the bot. Any other channel goes to the default target
 * of the mode: the default webhook (which posts wherever it was installed; app webhooks ignore a channel
 * override), or the bot, addressing the channel by the name given. Unconfigured (or disabled) → the reason, and
 * the caller reports INTEGRATION_NOT_CONFIGURED.
 */
@Injectable()
export class SlackTargets {
  constructor(private readonly config: SlackConfig) {}

  resolve(settings: SlackSettings, channel: string, options: ResolveOptions = {}): SlackTarget {
    if (!settings.enabled && !options.evenIfDisabled) {
      return { configured: false, reason: 'Slack is disabled (PUT /integrations/slack/config enabled:true)' };
    }
    const timeoutMs = options.timeoutMs ?? this.config.SLACK_HTTP_TIMEOUT_MS;
    const own = channelTargetOf(settings, channel);
    if (own?.kind === 'webhook') {
      return { configured: true, client: this.webhook(own.webhookUrl, timeoutMs), channel };
    }
    if (own?.kind === 'channel_id') {
      if (!settings.botToken) {
        return {
          configured: false,
          reason: `Slack channel ${channel} is a channel id, but no bot_token is set`,
        };
      }
      return { configured: true, client: this.bot(settings.botToken, timeoutMs), channel: own.channelId };
    }
    if (settings.mode === 'bot') {
      if (!settings.botToken)
        return { configured: false, reason: 'Slack is in bot mode, but no bot_token is set' };
      return { configured: true, client: this.bot(settings.botToken, timeoutMs), channel };
    }
    if (!settings.webhookUrl) {
      return {
        configured: false,
        reason: `Slack is not configured: no webhook_url, and ${channel} has no target of its own`,
      };
    }
    return { configured: true, client: this.webhook(settings.webhookUrl, timeoutMs), channel };
  }

  /** The bot client of the settings, for the status check (auth.test); null without a token. */
  botOf(settings: SlackSettings, timeoutMs: number): BotSlackClient | null {
    return settings.botToken ? this.bot(settings.botToken, timeoutMs) : null;
  }

  private webhook(url: string, timeoutMs: number): WebhookSlackClient {
    return new WebhookSlackClient(url, timeoutMs);
  }

  private bot(token: string, timeoutMs: number): BotSlackClient {
    return new BotSlackClient(token, this.config.SLACK_API_URL, timeoutMs);
  }
}
