import { EventEmitter } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { FailureModes } from './failure-modes';
import type {
  FailOptions,
  FailureMode,
  FakeSlackConfig,
  FakeSlackStartOptions,
  ReceivedRequest,
  SlackMessage,
  SlackRequestKind,
} from './fake-slack.types';
import { type Reply, textReply } from './reply';
import { mediaType, readRawBody } from './request-body';
import { TsClock } from './slack-ids';
import { type WebApiOutcome, handleWebApi, parseWebApiBody, webApiFailureReply } from './web-api-handler';
import { type WebhookOutcome, handleWebhook, parseWebhookBody, webhookFailureReply } from './webhook-handler';
import { FakeWorkspace } from './workspace';
import { listenOnLoopback } from '../process/listen-on-loopback';

const DELIVERED = 'delivered';

/**
 * Localhost stand-in for hooks.slack.com (incoming webhooks) and slack.com/api (Web API),
 * faithful to external-apis.md section 3. Every request is recorded in `received`.
 * Web API methods: chat.postMessage (with message `metadata`), auth.test, and conversations.history /
 * conversations.list over what was posted, so a client can look up a message it may have posted.
 *
 * Point the SDKs at it with `new IncomingWebhook(fake.webhookUrl())` and
 * `new WebClient(token, { slackApiUrl: `${fake.url}/api/` })`.
 */
export class FakeSlackServer {
  /** Every request in arrival order, failed ones included. Cleared in place by `reset()`. */
  readonly received: ReceivedRequest[] = [];

  private readonly server: Server;
  private readonly failures = new FailureModes();
  private readonly clock = new TsClock();
  /** Channel histories for conversations.history and the channel names for conversations.list. */
  private readonly workspace = new FakeWorkspace();
  private readonly events = new EventEmitter();
  private config: FakeSlackConfig;
  private closed = false;
  /** Cached at start so `url` keeps working after close() (e.g. in failure messages). */
  private listenPort = 0;

  private constructor(config: FakeSlackConfig) {
    this.config = { ...config };
    this.server = createServer((req, res) => void this.handle(req, res));
    // waitForMessages may register many concurrent waiters in a single test.
    this.events.setMaxListeners(0);
  }

  static async start(opts: FakeSlackStartOptions = {}): Promise<FakeSlackServer> {
    const { port = 0, ...config } = opts;
    const fake = new FakeSlackServer(config);
    fake.listenPort = await listenOnLoopback(fake.server, port);
    return fake;
  }

  get port(): number {
    return this.listenPort;
  }

  /** Base URL without trailing slash, e.g. `http://127.0.0.1:54321`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  webhookUrl(path = '/services/T000/B000/XXXX'): string {
    return `${this.url}${path.startsWith('/') ? path : `/${path}`}`;
  }

  /** Changes accepted tokens/channels at runtime; a key present with value undefined restores the default. */
  configure(config: FakeSlackConfig): void {
    this.config = { ...this.config, ...config };
  }

  /** Switches on a failure mode for one path (webhook path, `/api/chat.postMessage`, or a full URL) or globally. */
  fail(mode: FailureMode, opts: FailOptions = {}): void {
    this.failures.set(mode, opts.path === undefined ? undefined : normalizePath(opts.path));
  }

  /** Clears the failure mode of one path, or all modes. */
  heal(opts: FailOptions = {}): void {
    this.failures.clear(opts.path === undefined ? undefined : normalizePath(opts.path));
  }

  /** Clears recorded requests, failure modes and channel histories; configuration (tokens, channels) is kept. */
  reset(): void {
    this.received.length = 0;
    this.failures.clear();
    this.workspace.clear();
  }

  /** Messages Slack would have shown: webhook `200 ok` or chat.postMessage `ok:true`. */
  deliveredMessages(): SlackMessage[] {
    return this.received.flatMap((r) => (r.delivered ? [r.delivered] : []));
  }

  /** Resolves with all delivered messages once there are at least `count`; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs = 10_000): Promise<SlackMessage[]> {
    const ready = (): SlackMessage[] | undefined => {
      const messages = this.deliveredMessages();
      return messages.length >= count ? messages : undefined;
    };
    const now = ready();
    if (now) return Promise.resolve(now);

    return new Promise((resolve, reject) => {
      const onDelivered = (): void => {
        const messages = ready();
        if (!messages) return;
        cleanup();
        resolve(messages);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(this.describeTimeout(count, timeoutMs)));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off(DELIVERED, onDelivered);
      };
      this.events.on(DELIVERED, onDelivered);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const done = new Promise<void>((resolve, reject) =>
      this.server.close((err) => (err ? reject(err) : resolve())),
    );
    // fetch keeps connections alive; without this close() would wait for them to time out.
    this.server.closeAllConnections();
    await done;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = new Date();
    const method = req.method ?? 'GET';
    const path = normalizePath(req.url ?? '/');
    const kind: SlackRequestKind = path.startsWith('/api/') ? 'web_api' : 'webhook';

    let rawBody = '';
    try {
      rawBody = await readRawBody(req);
    } catch (err) {
      this.finish(res, { at, method, path, kind, req, rawBody, body: null }, textReply(413, String(err)));
      return;
    }

    const type = mediaType(req);
    if (kind === 'webhook') {
      const body = parseWebhookBody(type, rawBody);
      const mode = this.failures.take(path);
      const outcome: WebhookOutcome =
        mode && mode.kind !== 'slow_reply'
          ? { reply: webhookFailureReply(mode) }
          : handleWebhook(method, path, body);
      const delivered = outcome.delivered && { ...outcome.delivered, kind, path, at };
      this.finish(
        res,
        { at, method, path, kind, req, rawBody, body, delivered },
        outcome.reply,
        delayOf(mode),
      );
      return;
    }

    const parsed = parseWebApiBody(type, rawBody);
    const mode = this.failures.take(path);
    const outcome: WebApiOutcome =
      mode && mode.kind !== 'slow_reply'
        ? { reply: webApiFailureReply(mode) }
        : handleWebApi(
            { method, path, authorization: req.headers.authorization, parsed },
            this.config,
            this.clock,
            this.workspace,
          );
    const delivered = outcome.delivered && { ...outcome.delivered, kind, path, at };
    this.finish(
      res,
      { at, method, path, kind, req, rawBody, body: parsed.body, delivered },
      outcome.reply,
      delayOf(mode),
    );
  }

  /**
   * Records the request before answering, so a client that got its response always finds it in `received`;
   * the answer waits `delayMs` (slow_reply) when the client may never get it.
   */
  private finish(
    res: ServerResponse,
    entry: Omit<ReceivedRequest, 'headers' | 'status' | 'response'> & { req: IncomingMessage },
    reply: Reply,
    delayMs = 0,
  ): void {
    const { req, ...rest } = entry;
    this.received.push({ ...rest, headers: { ...req.headers }, status: reply.status, response: reply.value });
    if (entry.delivered) this.events.emit(DELIVERED);
    const answer = (): void => {
      if (res.destroyed) return; // the client is gone: its answer is lost
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    };
    if (delayMs > 0) setTimeout(answer, delayMs).unref();
    else answer();
  }

  private describeTimeout(count: number, timeoutMs: number): string {
    const delivered = this.deliveredMessages().length;
    const recent = this.received
      .slice(-10)
      .map((r) => `  ${r.method} ${r.path} -> ${r.status} ${JSON.stringify(r.response)}`)
      .join('\n');
    return (
      `FakeSlackServer: expected ${count} delivered message(s) within ${timeoutMs} ms, got ${delivered}. ` +
      `Last requests:\n${recent || '  (none)'}`
    );
  }
}

function delayOf(mode: FailureMode | undefined): number {
  return mode?.kind === 'slow_reply' ? mode.delayMs : 0;
}

/** Accepts a path or full URL and returns the pathname (no query), which is what modes are keyed by. */
function normalizePath(pathOrUrl: string): string {
  return new URL(pathOrUrl, 'http://127.0.0.1').pathname;
}
