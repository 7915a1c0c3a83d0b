import type { SlackAlertType, SlackMode } from '@crm/contracts';

/** How one named channel is reached (api.md §15.6: each channel has its own target). */
export type ChannelTarget =
  { kind: 'webhook'; webhookUrl: string } | { kind: 'channel_id'; channelId: string };

/** The settings in effect, secrets decrypted. Never logged or returned. */
export interface SlackSettings {
  enabled: boolean;
  mode: SlackMode;
  /** The default target in webhook mode. */
  webhookUrl: string | null;
  botToken: string | null;
  defaultChannel: string | null;
  /** By channel name as configured (e.g. `#hot-leads`); look names up with `channelTargetOf`. */
  channels: Record<string, ChannelTarget>;
  alerts: Partial<Record<SlackAlertType, string>>;
  /** Changes whenever the settings do (keys the status cache, bounds the webhook status). */
  version: string;
  /** When the stored settings last changed; null while the environment's defaults are in use. */
  updatedAt: Date | null;
}

/** `#Hot-Leads`, `hot-leads` and ` #hot-leads ` name the same channel. */
export function normalizeChannel(channel: string): string {
  return channel.trim().replace(/^#/, '').toLowerCase();
}

export function channelTargetOf(settings: SlackSettings, channel: string): ChannelTarget | null {
  const wanted = normalizeChannel(channel);
  const name = Object.keys(settings.channels).find((n) => normalizeChannel(n) === wanted);
  return name === undefined ? null : settings.channels[name];
}
