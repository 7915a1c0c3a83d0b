import { Transform, Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { consumersOf, Subjects } from '@crm/contracts';
import { BaseServiceConfig, EncryptionKeySetting, encryptionKeyOf } from '@crm/service-kit';

const postMessage = consumersOf('slack').find((c) => c.subject === Subjects.SlackPostMessage);
const postMessageAckWaitSeconds = postMessage?.ackWaitSeconds ?? 60;
/**
 * A command in flight holds two connections: its consumer transaction, and the one that commits the
 * attempt before Slack is called. Too small a pool would leave handlers waiting for each other.
 */
export const MIN_SLACK_POOL_SIZE = 2 * (postMessage?.concurrency ?? 4) + 2;
/**
 * One Slack call may take at most a quarter of the post-message consumer's ack wait: a delivery may make
 * several calls (a lookup, then the post) and must still finish before the broker hands the command to
 * another instance.
 */
export const MAX_SLACK_HTTP_TIMEOUT_MS = (postMessageAckWaitSeconds * 1000) / 4;

const splitList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : value;

/**
 * Environment of the slack service (architecture.md, Configuration). Every Slack setting is optional:
 * unset means "not configured", and commands then fail with INTEGRATION_NOT_CONFIGURED. The SLACK_* targets are
 * only the defaults: once settings are saved through `PUT /integrations/slack/config` (api.md §15.6) those
 * stored settings are used instead, secrets encrypted with ENCRYPTION_KEY.
 */
export class SlackConfig extends BaseServiceConfig {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) SLACK_PORT = 3004;

  @Type(() => Number)
  @IsInt()
  @Min(MIN_SLACK_POOL_SIZE, {
    message: `DATABASE_POOL_SIZE must be at least ${MIN_SLACK_POOL_SIZE} for the slack service (two connections per command in flight)`,
  })
  // Redeclaring the property replaces the base class's bounds, so its upper bound is repeated.
  @Max(200)
  override DATABASE_POOL_SIZE = 20;

  /** Secrets at rest (webhook URLs, bot token) are encrypted under this key. */
  @EncryptionKeySetting()
  ENCRYPTION_KEY?: string;

  /** The channel a test post goes to when none is named, until a `default_channel` is saved. */
  @IsOptional() @IsString() SLACK_DEFAULT_CHANNEL?: string;

  /** Base URL of the CRM web app; alerts then carry an "Open in CRM" button (e.g. `https://crm.example.com`). */
  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'SLACK_CRM_APP_URL must be an http(s) URL' })
  SLACK_CRM_APP_URL?: string;

  /** The bot mode status check (`auth.test`) and a test post wait at most this long (api.md §15: ≤5 s). */
  @Type(() => Number) @IsInt() @Min(100) @Max(5_000) SLACK_STATUS_TIMEOUT_MS = 5_000;

  /** How long a status answer is reused (api.md §15: 30 s). */
  @Type(() => Number) @IsInt() @Min(0) @Max(300_000) SLACK_STATUS_CACHE_MS = 30_000;

  /** The default incoming-webhook target. An app webhook always posts to the channel chosen at install. */
  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'SLACK_WEBHOOK_URL must be an http(s) URL' })
  SLACK_WEBHOOK_URL?: string;

  /** Bot token (`xoxb-…`) for chat.postMessage, which can address any channel the bot is in. */
  @IsOptional()
  @Matches(/^xox[a-z]-.+/, { message: 'SLACK_BOT_TOKEN must be a Slack token (xoxb-…)' })
  SLACK_BOT_TOKEN?: string;

  /** Web API base URL, e.g. `https://slack.com/api/` (tests point it at the fake server). */
  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'SLACK_API_URL must be an http(s) URL' })
  SLACK_API_URL?: string;

  /**
   * Channels the webhook posts to when a bot token is configured too (comma-separated, e.g. `#hot-leads`).
   * Without a bot token every channel goes to the webhook; without a webhook every channel goes to the bot.
   */
  @IsOptional() @Transform(splitList) @IsArray() @IsString({ each: true }) SLACK_WEBHOOK_CHANNELS: string[] =
    [];

  /** Bound of every Slack HTTP call (the clients' own retries are off; the queue retries). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(MAX_SLACK_HTTP_TIMEOUT_MS, {
    message:
      `SLACK_HTTP_TIMEOUT_MS must be at most ${MAX_SLACK_HTTP_TIMEOUT_MS} ms, a quarter of the ` +
      `post-message consumer's ack wait (${postMessageAckWaitSeconds} s)`,
  })
  SLACK_HTTP_TIMEOUT_MS = 10_000;

  encryptionKey(): Buffer {
    return encryptionKeyOf(this.ENCRYPTION_KEY);
  }
}
