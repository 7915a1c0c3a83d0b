import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  registerDecorator,
  ValidateNested,
} from 'class-validator';
import { WithActor } from './common';

export type SlackIntegrationStatus = 'not_configured' | 'connected' | 'error';
export const SLACK_MODES = ['webhook', 'bot'] as const;
export type SlackMode = (typeof SLACK_MODES)[number];

/** api.md §15.6 `alerts`: the alert types a channel can be mapped to. */
export const SLACK_ALERT_TYPES = [
  'hot_lead',
  'routed',
  'routing_conflict',
  'assignment_needed',
  'deal_won',
  'daily_digest',
  'errors',
] as const;
export type SlackAlertType = (typeof SLACK_ALERT_TYPES)[number];

/** api.md §15.6 `GET /integrations/slack/status`. */
export interface SlackStatusView {
  status: SlackIntegrationStatus;
  message: string;
  enabled: boolean;
  mode: SlackMode;
}

/** One configured channel: how it is reached; its webhook URL (a secret) is never returned. */
export interface SlackChannelView {
  target: 'webhook' | 'channel_id';
  configured: boolean;
}

/** api.md §15.6 `GET|PUT /integrations/slack/config`: secrets appear only as `*_configured` flags. */
export interface SlackConfigView {
  enabled: boolean;
  mode: SlackMode;
  webhook_configured: boolean;
  bot_token_configured: boolean;
  default_channel: string | null;
  channels: Record<string, SlackChannelView>;
  alerts: Partial<Record<SlackAlertType, string>>;
}

const HTTP_URL = /^https?:\/\/[^\s]+$/;
/** A Slack channel id (`C…`, `G…` private, `D…` direct). */
const CHANNEL_ID = /^[CGD][A-Z0-9]{8,}$/;
const MAX_CHANNEL_NAME = 80;
const MAX_CHANNELS = 50;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validChannelName(name: string): boolean {
  return name.trim().length > 0 && name.length <= MAX_CHANNEL_NAME;
}

/** `{<name>: {webhook_url}|{channel_id}}`: exactly one target per channel (api.md §15.6). */
function IsSlackChannelMap(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSlackChannelMap',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `$property must map at most ${MAX_CHANNELS} channel names to {webhook_url} (an http(s) URL) or {channel_id} (a Slack channel id)`,
      },
      validator: {
        validate: (value: unknown) =>
          isPlainObject(value) &&
          Object.keys(value).length <= MAX_CHANNELS &&
          Object.entries(value).every(([name, entry]) => {
            if (!validChannelName(name) || !isPlainObject(entry)) return false;
            const keys = Object.keys(entry);
            if (keys.length !== 1) return false;
            const v = entry[keys[0]];
            if (keys[0] === 'webhook_url')
              return typeof v === 'string' && v.length <= 500 && HTTP_URL.test(v);
            if (keys[0] === 'channel_id') return typeof v === 'string' && CHANNEL_ID.test(v);
            return false;
          }),
      },
    });
}

/** `{<alert type>: <channel name>}` over SLACK_ALERT_TYPES. */
function IsSlackAlertMap(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSlackAlertMap',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `$property must map alert types (${SLACK_ALERT_TYPES.join(', ')}) to channel names`,
      },
      validator: {
        validate: (value: unknown) =>
          isPlainObject(value) &&
          Object.entries(value).every(
            ([type, channel]) =>
              (SLACK_ALERT_TYPES as readonly string[]).includes(type) &&
              typeof channel === 'string' &&
              validChannelName(channel),
          ),
      },
    });
}

/** One channel's target as sent: its own incoming webhook, or a channel id for the bot. */
export type SlackChannelTargetInput = { webhook_url: string } | { channel_id: string };

/**
 * api.md §15.6 config body: every field optional (PUT is partial); `null` (or "") clears a secret. `channels`
 * and `alerts`, when sent, replace the stored maps. An empty body is refused by the service (400).
 */
export class UpdateSlackConfigBody {
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsIn(SLACK_MODES) mode?: SlackMode;
  @IsOptional()
  @Matches(/^$|^https?:\/\/[^\s]+$/, { message: 'webhook_url must be an http(s) URL' })
  @MaxLength(500)
  webhook_url?: string | null;
  @IsOptional()
  @Matches(/^$|^xox[a-z]-\S+$/, { message: 'bot_token must be a Slack bot token (xoxb-…)' })
  @MaxLength(500)
  bot_token?: string | null;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_CHANNEL_NAME) default_channel?: string | null;
  @IsOptional() @IsSlackChannelMap() channels?: Record<string, SlackChannelTargetInput>;
  @IsOptional() @IsSlackAlertMap() alerts?: Partial<Record<SlackAlertType, string>>;
}

export class UpdateSlackConfigCommand extends WithActor {
  @ValidateNested() @Type(() => UpdateSlackConfigBody) body: UpdateSlackConfigBody;
}

/** api.md §15.6 test body: `channel` defaults to `default_channel`. */
export class SendSlackTestBody {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_CHANNEL_NAME) channel?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(3000) text?: string;
}

export class SendSlackTestCommand extends WithActor {
  @ValidateNested() @Type(() => SendSlackTestBody) body: SendSlackTestBody;
}

/** api.md §15.6 `POST /integrations/slack/test`: `error` carries Slack's code, e.g. `channel_not_found`. */
export interface SlackTestResult {
  success: boolean;
  channel: string;
  ts?: string;
  error?: string;
}
