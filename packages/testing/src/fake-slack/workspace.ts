import { channelIdFor, isChannelId } from './slack-ids';

/** Message metadata as chat.postMessage takes it and conversations.history returns it. */
export interface SlackMessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

/** A message as Slack stores it in a channel (the shape conversations.history returns). */
export interface StoredMessage {
  type: 'message';
  text: string;
  user: string;
  bot_id: string;
  ts: string;
  blocks?: unknown[];
  attachments?: unknown[];
  thread_ts?: string;
  metadata?: SlackMessageMetadata;
}

export interface HistoryQuery {
  oldest?: string;
  latest?: string;
  inclusive: boolean;
  limit: number;
  /** ts the previous page ended at (decoded from the cursor): this page starts below it. */
  before?: string;
  includeAllMetadata: boolean;
}

export interface HistoryPage {
  messages: StoredMessage[];
  hasMore: boolean;
  /** ts to continue below, when there is more. */
  nextBefore?: string;
}

/** A public channel as conversations.list describes it. */
export interface ListedChannel {
  id: string;
  name: string;
}

/**
 * What the fake workspace holds between requests: the messages posted with chat.postMessage, per channel ID,
 * and the names of the channels it has seen. Incoming webhooks post to a channel fixed at install time, which
 * the fake does not know, so their messages are not in any channel's history.
 */
export class FakeWorkspace {
  private readonly history = new Map<string, StoredMessage[]>();
  private readonly names = new Map<string, string>();

  /** Stores a posted message in its channel; `channel` is the argument as given (a name or an ID). */
  post(channel: string, message: StoredMessage): string {
    const id = channelIdFor(channel);
    if (!isChannelId(channel)) this.names.set(id, channel.replace(/^#/, ''));
    this.history.set(id, [...(this.history.get(id) ?? []), message]);
    return id;
  }

  /** Newest first, as Slack returns them; `oldest`/`latest` are exclusive unless `inclusive`. */
  read(channelId: string, query: HistoryQuery): HistoryPage {
    const after = (ts: string, bound: string | undefined, inclusive: boolean) =>
      bound === undefined || (inclusive ? Number(ts) >= Number(bound) : Number(ts) > Number(bound));
    const before = (ts: string, bound: string | undefined, inclusive: boolean) =>
      bound === undefined || (inclusive ? Number(ts) <= Number(bound) : Number(ts) < Number(bound));
    const matching = [...(this.history.get(channelId) ?? [])]
      .reverse()
      .filter(
        (m) =>
          after(m.ts, query.oldest, query.inclusive) &&
          before(m.ts, query.latest, query.inclusive) &&
          before(m.ts, query.before, false),
      );
    const page = matching.slice(0, query.limit).map((m) => {
      if (query.includeAllMetadata) return m;
      const { metadata: _hidden, ...rest } = m;
      return rest;
    });
    const hasMore = matching.length > page.length;
    return { messages: page, hasMore, nextBefore: hasMore ? page[page.length - 1].ts : undefined };
  }

  /** Channels known by name: those configured (`knownChannels`) and those posted to by name. */
  channels(knownChannels: string[] | undefined): ListedChannel[] {
    const named = new Map(this.names);
    for (const known of knownChannels ?? []) {
      if (!isChannelId(known)) named.set(channelIdFor(known), known.replace(/^#/, ''));
    }
    return [...named].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  }

  clear(): void {
    this.history.clear();
    this.names.clear();
  }
}
