import { createHash } from 'node:crypto';

/** Issues Slack-style message timestamps (`<unix seconds>.<6 digits>`) that strictly increase. */
export class TsClock {
  private lastMicros = 0;

  next(): string {
    // Microsecond resolution with a +1 bump keeps ts unique even for messages sent in the same millisecond.
    const micros = Math.max(Date.now() * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    const seconds = Math.floor(micros / 1_000_000);
    const fraction = String(micros % 1_000_000).padStart(6, '0');
    return `${seconds}.${fraction}`;
  }
}

const CHANNEL_ID = /^[CGD][A-Z0-9]{8,}$/;

/** True for a Slack conversation ID (`C…`, `G…`, `D…`), false for a name like `#hot-leads`. */
export function isChannelId(channel: string): boolean {
  return CHANNEL_ID.test(channel);
}

/**
 * Maps a channel argument to a Slack-looking ID. IDs pass through; names (`#hot-leads` or `hot-leads`)
 * get a stable derived ID so the same name always yields the same channel.
 */
export function channelIdFor(channel: string): string {
  if (isChannelId(channel)) return channel;
  const name = channel.replace(/^#/, '');
  return 'C' + createHash('sha1').update(name).digest('hex').slice(0, 10).toUpperCase();
}
