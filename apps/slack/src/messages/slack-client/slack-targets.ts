import { Injectable } from '@nestjs/common';
import { SlackConfig } from '../../config/slack.config';
import { BotSlackClient } from './bot-slack-client';
import type { SlackClient } from './slack-client';
import { WebhookSlackClient } from './webhook-slack-client';

/**
 * Picks how a channel is reached (api.md §15.6: one target per channel). With only a webhook, every channel
 * goes to it (app webhooks ignore a channel override); with only a bot token, chat.postMessage addresses the
 * channel; with both, the channels in SLACK_WEBHOOK_CHANNELS use the webhook and all others the bot.
 * Returns null when nothing is configured: the caller reports INTEGRATION_NOT_CONFIGURED.
 */
@Injectable()
export class SlackTargets {
  private readonly webhook: WebhookSlackClient | null;
  private readonly bot: BotSlackClient | null;
  private readonly webhookChannels: Set<string>;

  constructor(config: SlackConfig) {
    this.webhook = config.SLACK_WEBHOOK_URL
      ? new WebhookSlackClient(config.SLACK_WEBHOOK_URL, config.SLACK_HTTP_TIMEOUT_MS)
      : null;
    this.bot = config.SLACK_BOT_TOKEN
      ? new BotSlackClient(config.SLACK_BOT_TOKEN, config.SLACK_API_URL, config.SLACK_HTTP_TIMEOUT_MS)
      : null;
    this.webhookChannels = new Set((config.SLACK_WEBHOOK_CHANNELS ?? []).map(normalizeChannel));
  }

  clientFor(channel: string): SlackClient | null {
    if (this.webhook && this.bot) {
      return this.webhookChannels.has(normalizeChannel(channel)) ? this.webhook : this.bot;
    }
    return this.webhook ?? this.bot;
  }
}

function normalizeChannel(channel: string): string {
  return channel.trim().replace(/^#/, '').toLowerCase();
}
