import { Transform, Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@crm/service-kit';

const splitList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : value;

/**
 * Environment of the slack service (architecture.md, Configuration). Every Slack setting is optional:
 * unset means "not configured", and commands then fail with INTEGRATION_NOT_CONFIGURED.
 */
export class SlackConfig extends BaseServiceConfig {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) SLACK_PORT = 3004;

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

  @Type(() => Number) @IsInt() @Min(100) @Max(120_000) SLACK_HTTP_TIMEOUT_MS = 10_000;
}
