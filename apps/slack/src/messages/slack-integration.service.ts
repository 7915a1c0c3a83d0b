import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  ValidationFailedError,
  type SendSlackTestCommand,
  type SlackStatusView,
  type SlackTestResult,
} from '@crm/contracts';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { SlackConfig } from '../config/slack.config';
import type { SlackSettings } from '../settings/slack-settings';
import { SettingsService } from '../settings/settings.service';
import { blocksFor } from './message-blocks';
import { MessageLogRepository } from './message-log.repository';
import { SlackDeliveryError } from './slack-client/slack-client';
import { SlackTargets } from './slack-client/slack-targets';

const DEFAULT_TEST_TEXT = ':white_check_mark: Test message from the CRM: Slack is connected.';
/** The message log's reference of test posts (they belong to no requester). */
export const TEST_POST_REFERENCE = 'integration_test';

interface CachedStatus {
  version: string;
  at: number;
  view: SlackStatusView;
}

/**
 * api.md §15.6 status and test post. Bot mode is checked live with `auth.test` (≤ SLACK_STATUS_TIMEOUT_MS,
 * reused for SLACK_STATUS_CACHE_MS unless the settings change); a webhook cannot be checked without posting, so
 * webhook mode reports the latest settled webhook post since the settings last changed.
 */
@Injectable()
export class SlackIntegrationService {
  private readonly log: Logger;
  private cachedBotStatus: CachedStatus | null = null;

  constructor(
    private readonly settings: SettingsService,
    private readonly targets: SlackTargets,
    private readonly messageLog: MessageLogRepository,
    private readonly config: SlackConfig,
    logger: AppLogger,
  ) {
    this.log = logger.child('slack-integration');
  }

  async status(): Promise<SlackStatusView> {
    const settings = await this.settings.current();
    return settings.mode === 'bot' ? this.botStatus(settings) : this.webhookStatus(settings);
  }

  async sendTest({ body, actor }: SendSlackTestCommand): Promise<SlackTestResult> {
    const settings = await this.settings.current();
    const channel = body.channel ?? settings.defaultChannel;
    if (!channel) {
      throw new ValidationFailedError(
        [
          {
            path: 'channel',
            message: 'channel is required: no default_channel is configured',
            code: 'required',
          },
        ],
        'Name the channel to test',
      );
    }
    const target = this.targets.resolve(settings, channel, {
      timeoutMs: this.config.SLACK_STATUS_TIMEOUT_MS,
      evenIfDisabled: true,
    });
    if (!target.configured) return { success: false, channel, error: 'not_configured' };

    const idempotencyKey = `slack.test:${randomUUID()}`;
    const text = body.text ?? DEFAULT_TEST_TEXT;
    const mode = target.client.mode;
    await this.messageLog.claimNow({ idempotencyKey, reference: TEST_POST_REFERENCE, channel, mode });
    try {
      const result = await target.client.post({
        channel: target.channel,
        text,
        blocks: blocksFor(text, undefined),
        idempotencyKey,
      });
      await this.messageLog.recordSentNow({
        idempotencyKey,
        ts: result.ts,
        vendorResponse: result.vendorResponse,
      });
      this.log.info({ channel, mode, actor_id: actor.id }, 'slack test message posted');
      return result.ts ? { success: true, channel, ts: result.ts } : { success: true, channel };
    } catch (error) {
      const failure =
        error instanceof SlackDeliveryError
          ? error
          : new SlackDeliveryError(
              'transient',
              null,
              null,
              'Slack call failed unexpectedly',
              null,
              'unknown',
            );
      const code = failure.vendorCode ?? (failure.outcome === 'unknown' ? 'no_answer' : 'request_failed');
      await this.messageLog.recordFailedNow({
        idempotencyKey,
        reference: TEST_POST_REFERENCE,
        channel,
        mode,
        code,
        message: failure.message,
        vendorStatus: failure.vendorStatus,
        retryable: failure.retryable,
      });
      this.log.warn(
        { channel, mode, vendor_code: code, vendor_status: failure.vendorStatus, actor_id: actor.id },
        'slack test message failed',
      );
      return { success: false, channel, error: code };
    }
  }

  private async botStatus(settings: SlackSettings): Promise<SlackStatusView> {
    const base = { enabled: settings.enabled, mode: settings.mode };
    const bot = this.targets.botOf(settings, this.config.SLACK_STATUS_TIMEOUT_MS);
    if (!bot) return { ...base, status: 'not_configured', message: 'Bot mode needs a bot_token' };
    const now = Date.now();
    const cached = this.cachedBotStatus;
    if (
      cached &&
      cached.version === settings.version &&
      now - cached.at < this.config.SLACK_STATUS_CACHE_MS
    ) {
      return { ...cached.view, ...base };
    }
    let view: SlackStatusView;
    try {
      const identity = await bot.checkAuth();
      view = {
        ...base,
        status: 'connected',
        message: `Connected to ${identity.team ?? 'the Slack workspace'} as ${identity.user ?? 'the bot'}`,
      };
    } catch (error) {
      const failure = error instanceof SlackDeliveryError ? error : null;
      view = {
        ...base,
        status: 'error',
        message: failure?.vendorCode ?? failure?.message ?? 'Slack auth.test failed',
      };
    }
    this.cachedBotStatus = { version: settings.version, at: now, view };
    return view;
  }

  private async webhookStatus(settings: SlackSettings): Promise<SlackStatusView> {
    const base = { enabled: settings.enabled, mode: settings.mode };
    const anyWebhook =
      settings.webhookUrl !== null || Object.values(settings.channels).some((c) => c.kind === 'webhook');
    if (!anyWebhook) return { ...base, status: 'not_configured', message: 'No webhook_url is configured' };
    const latest = await this.messageLog.latestWebhookOutcome(settings.updatedAt);
    if (!latest) {
      return {
        ...base,
        status: 'error',
        message:
          'Not verified: no message was posted through the webhook since it was configured ' +
          '(POST /integrations/slack/test)',
      };
    }
    if (latest.status === 'sent') {
      return {
        ...base,
        status: 'connected',
        message: `Last webhook post succeeded at ${new Date(latest.updated_at).toISOString()}`,
      };
    }
    return { ...base, status: 'error', message: `Last webhook post was refused: ${latest.error_code}` };
  }
}
