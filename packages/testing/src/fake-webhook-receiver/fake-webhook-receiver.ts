import { EventEmitter } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { readRawBody, tryParseJson } from '../fake-slack/request-body';
import type {
  FakeWebhookReceiverOptions,
  ReceivedWebhook,
  WebhookResponse,
} from './fake-webhook-receiver.types';
import { verifyStandardWebhook } from './standard-webhooks-verifier';
import { listenOnLoopback } from '../process/listen-on-loopback';

const RECEIVED = 'received';
const OK: WebhookResponse = { kind: 'status', status: 200, body: 'ok' };

/**
 * Localhost stand-in for an integrator's endpoint receiving our outbound webhooks (api.md §16, Standard Webhooks,
 * external-apis.md §4.2). Records every request with its headers and raw body, verifies its signature against the
 * configured secrets with an independent verifier, and answers each attempt as programmed: responses queued per
 * path with `respond()` are used one per request, then the default (200).
 */
export class FakeWebhookReceiver {
  /** Every request in arrival order. Cleared in place by `reset()`. */
  readonly received: ReceivedWebhook[] = [];

  private readonly server: Server;
  private readonly events = new EventEmitter();
  private readonly queued = new Map<string, WebhookResponse[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private secrets: string[];
  private fallback: WebhookResponse = OK;
  private listenPort = 0;
  private closed = false;

  private constructor(options: FakeWebhookReceiverOptions) {
    this.secrets = [...(options.secrets ?? [])];
    this.server = createServer((req, res) => void this.handle(req, res));
    this.events.setMaxListeners(0);
  }

  static async start(options: FakeWebhookReceiverOptions = {}): Promise<FakeWebhookReceiver> {
    const fake = new FakeWebhookReceiver(options);
    fake.listenPort = await listenOnLoopback(fake.server, options.port ?? 0);
    return fake;
  }

  get port(): number {
    return this.listenPort;
  }

  /** Base URL, e.g. `http://127.0.0.1:54321`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** An endpoint URL on this receiver; each path has its own response queue. */
  endpoint(path = '/hooks'): string {
    return `${this.url}${path.startsWith('/') ? path : `/${path}`}`;
  }

  /** The secrets every request is verified against (e.g. the old and the new one during a rotation). */
  setSecrets(secrets: string[]): void {
    this.secrets = [...secrets];
  }

  /** Queues answers for the next requests to `path` (all paths when omitted), one per request, in order. */
  respond(responses: WebhookResponse[], path?: string): void {
    const key = path ?? '*';
    this.queued.set(key, [...(this.queued.get(key) ?? []), ...responses]);
  }

  /** The answer once the queue is empty (200 unless changed). */
  respondByDefault(response: WebhookResponse): void {
    this.fallback = response;
  }

  /** Requests to one path (with or without query). */
  requestsTo(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path || r.path.startsWith(`${path}?`));
  }

  /** Resolves with the requests matching `filter` once there are at least `count`; rejects after `timeoutMs`. */
  waitForRequests(
    count: number,
    options: { timeoutMs?: number; filter?: (r: ReceivedWebhook) => boolean } = {},
  ): Promise<ReceivedWebhook[]> {
    const { timeoutMs = 10_000, filter = () => true } = options;
    const ready = (): ReceivedWebhook[] | undefined => {
      const matching = this.received.filter(filter);
      return matching.length >= count ? matching : undefined;
    };
    const now = ready();
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const onReceived = (): void => {
        const matching = ready();
        if (!matching) return;
        cleanup();
        resolve(matching);
      };
      const timer = setTimeout(() => {
        cleanup();
        const got = this.received.filter(filter).length;
        reject(
          new Error(`FakeWebhookReceiver: expected ${count} request(s) within ${timeoutMs} ms, got ${got}`),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off(RECEIVED, onReceived);
      };
      this.events.on(RECEIVED, onReceived);
    });
  }

  /** Clears recorded requests, queued answers and the default answer; secrets are kept. */
  reset(): void {
    this.received.length = 0;
    this.queued.clear();
    this.fallback = OK;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const done = new Promise<void>((resolve, reject) =>
      this.server.close((err) => (err ? reject(err) : resolve())),
    );
    this.server.closeAllConnections();
    await done;
  }

  private nextResponse(path: string): WebhookResponse {
    const pathname = new URL(path, 'http://127.0.0.1').pathname;
    for (const key of [pathname, '*']) {
      const queue = this.queued.get(key);
      if (queue?.length) return queue.shift()!;
    }
    return this.fallback;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = new Date();
    const path = req.url ?? '/';
    const rawBody = await readRawBody(req).catch(() => '');
    const response = this.nextResponse(path);
    const status = response.kind === 'slow' ? (response.status ?? 200) : response.status;
    const signatureHeader = req.headers['webhook-signature'];
    this.received.push({
      at,
      method: req.method ?? 'GET',
      path,
      headers: { ...req.headers },
      rawBody,
      body: tryParseJson(rawBody),
      status,
      verifications: this.secrets.map((secret) => verifyStandardWebhook(secret, req.headers, rawBody)),
      signatures: typeof signatureHeader === 'string' ? signatureHeader.split(' ').filter(Boolean) : [],
    });
    this.events.emit(RECEIVED);

    if (response.kind === 'slow') {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!res.destroyed) reply(res, status, {}, 'late');
      }, response.delayMs);
      this.timers.add(timer);
      return;
    }
    if (response.kind === 'retry_after') {
      reply(res, status, { 'Retry-After': String(response.retryAfterSeconds) }, 'slow down');
      return;
    }
    const location: Record<string, string> =
      status >= 300 && status < 400 ? { Location: `${this.url}/moved` } : {};
    reply(res, status, location, response.body ?? '');
  }
}

function reply(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
  res.end(body);
}
