import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type Reply, jsonReply, textReply } from '../fake-slack/reply';
import { isPlainObject, mediaType, readRawBody, tryParseJson } from '../fake-slack/request-body';
import {
  MOCO_TARGET_OF,
  type FakeMocoConfig,
  type FakeMocoStartOptions,
  type MocoEntity,
  type MocoFailOptions,
  type MocoFailureMode,
  type MocoReceivedRequest,
  type MocoResource,
  type MocoWebhookDelivery,
} from './fake-moco.types';
import { FAKE_MOCO_DEAL_CATEGORIES, FAKE_MOCO_USERS, MocoStore } from './moco-store';
import { MocoFailureModes } from './moco-failure-modes';
import { signMocoWebhook } from './moco-webhook-signature';
import { RateWindow } from './rate-window';
import { listenOnLoopback } from '../process/listen-on-loopback';

export const FAKE_MOCO_API_KEY = 'moco-test-key';
export const FAKE_MOCO_SESSION = { id: 933590696, uuid: '123e4567-e89b-12d3-a456-426614174000' } as const;
const API = '/api/v1';
const DEFAULT_CUSTOM_FIELDS: Record<MocoResource, string[]> = {
  companies: ['CRM-ID'],
  people: ['CRM-ID'],
  deals: ['CRM-ID'],
  offers: ['CRM-ID'],
  projects: ['CRM-ID'],
  invoices: ['CRM-ID'],
};
const RESOURCE_PATHS: Record<string, MocoResource> = {
  companies: 'companies',
  'contacts/people': 'people',
  deals: 'deals',
  offers: 'offers',
  projects: 'projects',
  invoices: 'invoices',
};
/** `POST /offers` answers 201; every other create answers 200 (external-apis.md 1.3). */
const CREATED_STATUS: Partial<Record<MocoResource, number>> = { offers: 201 };

/**
 * Localhost stand-in for `https://{subdomain}.mocoapp.com/api/v1`, faithful to external-apis.md section 1: token
 * auth, paginated lists with X-Page/X-Per-Page/X-Total/Link, the documented filters, mandatory fields → 422, a
 * sliding-window rate limit (120 requests / 2 min per key by default) → 429, switchable 429/5xx/timeout modes, a
 * record of every request, and signed outbound webhooks (1.6) via `sendWebhook`.
 */
export class FakeMocoServer {
  /** Every request in arrival order, failed ones included. Cleared in place by `reset()`. */
  readonly received: MocoReceivedRequest[] = [];
  readonly store: MocoStore;

  private readonly server: Server;
  private readonly failures = new MocoFailureModes();
  private config: Required<FakeMocoConfig>;
  private rateWindow: RateWindow | undefined;
  private readonly pending = new Set<NodeJS.Timeout>();
  private listenPort = 0;
  private closed = false;

  private constructor(config: FakeMocoConfig) {
    this.config = this.withDefaults(config);
    this.rateWindow = this.windowFor(this.config);
    this.store = new MocoStore(
      () => this.config.customFields,
      () => this.config.manualNumberRanges,
    );
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(opts: FakeMocoStartOptions = {}): Promise<FakeMocoServer> {
    const { port = 0, ...config } = opts;
    const fake = new FakeMocoServer(config);
    fake.listenPort = await listenOnLoopback(fake.server, port);
    return fake;
  }

  get port(): number {
    return this.listenPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What a client takes as its base URL (`https://{subdomain}.mocoapp.com/api/v1` in production). */
  get baseUrl(): string {
    return `${this.url}${API}`;
  }

  configure(config: FakeMocoConfig): void {
    this.config = this.withDefaults({ ...this.config, ...config });
    this.rateWindow = this.windowFor(this.config);
  }

  /** Switches on a failure mode for matching requests (all when no method/path is given). */
  fail(mode: MocoFailureMode, opts: MocoFailOptions = {}): void {
    this.failures.set(mode, scopeOf(opts));
  }

  heal(opts?: MocoFailOptions): void {
    this.failures.clear(opts ? scopeOf(opts) : undefined);
  }

  /** Clears records, failure modes, the rate window and the account's data; configuration is kept. */
  reset(): void {
    this.received.length = 0;
    this.failures.clear();
    this.rateWindow?.clear();
    this.store.clear();
  }

  /** Records of one resource, e.g. `fake.records('companies')`. */
  records(resource: MocoResource): MocoEntity[] {
    return this.store.all(resource);
  }

  /** Requests matching method and path (pathname without query, with or without the `/api/v1` prefix). */
  requests(method: string, path: string): MocoReceivedRequest[] {
    const full = path.startsWith(API) ? path : `${API}${path}`;
    return this.received.filter((r) => r.method === method && r.path === full);
  }

  /**
   * Delivers a MOCO webhook: POSTs the entity JSON with the X-Moco-* headers, signed with `key` (external-apis.md
   * 1.6). Returns the receiver's status and parsed body.
   */
  async sendWebhook(delivery: MocoWebhookDelivery): Promise<{ status: number; body: unknown }> {
    const rawBody = JSON.stringify(delivery.entity);
    const res = await fetch(delivery.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Moco-Target': delivery.target,
        'X-Moco-Event': delivery.event,
        'X-Moco-Timestamp': String(delivery.timestamp ?? Date.now()),
        'X-Moco-User-Id': String(delivery.userId ?? FAKE_MOCO_USERS[0].id),
        'X-Moco-Account-Url': delivery.accountUrl ?? 'https://fake.mocoapp.com',
        'X-Moco-Signature': delivery.signature ?? signMocoWebhook(delivery.key, rawBody),
      },
      body: rawBody,
    });
    const text = await res.text();
    return { status: res.status, body: tryParseJson(text) ?? text };
  }

  /** The webhook target name of a resource (`companies` → `Company`). */
  targetOf(resource: MocoResource): string {
    return MOCO_TARGET_OF[resource];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.pending) clearTimeout(timer);
    const done = new Promise<void>((resolve, reject) =>
      this.server.close((err) => (err ? reject(err) : resolve())),
    );
    this.server.closeAllConnections();
    await done;
  }

  private withDefaults(config: FakeMocoConfig): Required<FakeMocoConfig> {
    return {
      apiKeys: config.apiKeys ?? [FAKE_MOCO_API_KEY],
      rateLimit: config.rateLimit ?? { limit: 120, windowMs: 120_000, retryAfter: true },
      customFields: config.customFields ?? DEFAULT_CUSTOM_FIELDS,
      manualNumberRanges: config.manualNumberRanges ?? false,
    };
  }

  private windowFor(config: Required<FakeMocoConfig>): RateWindow | undefined {
    return config.rateLimit ? new RateWindow(config.rateLimit.limit, config.rateLimit.windowMs) : undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = new Date();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry = { at, method, path: url.pathname, query: url.searchParams, headers: { ...req.headers } };
    let rawBody = '';
    try {
      rawBody = await readRawBody(req);
    } catch (err) {
      this.finish(res, { ...entry, rawBody, body: null }, textReply(413, String(err)));
      return;
    }
    const body = rawBody.length > 0 ? (tryParseJson(rawBody) ?? null) : null;
    const record = { ...entry, rawBody, body };

    const key = apiKeyOf(req.headers.authorization);
    if (!key || !this.config.apiKeys.includes(key)) {
      this.finish(res, record, jsonReply(401, { message: 'Unauthorized' }));
      return;
    }

    const failure = this.failures.take(method, url.pathname);
    if (failure?.kind === 'rate_limit') {
      const headers: Record<string, string> =
        failure.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(failure.retryAfterSeconds) };
      this.finish(res, record, textReply(429, '', headers));
      return;
    }
    if (failure?.kind === 'server_error') {
      this.finish(res, record, textReply(failure.status ?? 500, 'Internal Server Error'));
      return;
    }

    if (this.rateWindow && this.config.rateLimit) {
      const slot = this.rateWindow.take(key, at.getTime());
      if (!slot.allowed) {
        const headers: Record<string, string> = this.config.rateLimit.retryAfter
          ? { 'Retry-After': String(Math.max(1, Math.ceil(slot.waitMs / 1000))) }
          : {};
        this.finish(res, record, textReply(429, '', headers));
        return;
      }
    }

    if (failure?.kind === 'timeout' && !failure.afterApply) {
      this.hang(res, record, failure.delayMs);
      return;
    }
    const reply = this.route(method, url, req, body, rawBody);
    if (failure?.kind === 'timeout') {
      this.hang(res, record, failure.delayMs);
      return;
    }
    this.finish(res, record, reply);
  }

  private route(method: string, url: URL, req: IncomingMessage, body: unknown, rawBody: string): Reply {
    const path = url.pathname;
    if (!path.startsWith(`${API}/`)) return jsonReply(404, { message: 'Not found' });
    const rest = path.slice(API.length + 1).replace(/\/$/, '');

    if (rest === 'session' && method === 'GET') return jsonReply(200, { ...FAKE_MOCO_SESSION });
    if (rest === 'users' && method === 'GET')
      return this.page(
        url,
        FAKE_MOCO_USERS.map((u) => ({ ...u })),
      );
    if (rest === 'deal_categories' && method === 'GET') {
      return this.page(
        url,
        FAKE_MOCO_DEAL_CATEGORIES.map((c) => ({ ...c })),
      );
    }

    const match = /^(companies|contacts\/people|deals|offers|projects|invoices)(?:\/(\d+))?$/.exec(rest);
    if (!match) return jsonReply(404, { message: 'Not found' });
    const resource = RESOURCE_PATHS[match[1]];
    const id = match[2] === undefined ? undefined : Number(match[2]);

    if (method === 'GET') {
      if (id === undefined) return this.page(url, this.store.list(resource, url.searchParams));
      const entity = this.store.get(resource, id);
      return entity ? jsonReply(200, entity) : jsonReply(404, { message: 'Not found' });
    }
    if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') {
      return jsonReply(404, { message: 'Not found' });
    }
    if (mediaType(req) !== 'application/json' || (rawBody.length > 0 && !isPlainObject(body))) {
      return jsonReply(422, { message: 'Invalid payload' });
    }
    const fields = (body ?? {}) as Record<string, unknown>;
    if (method === 'POST' && id === undefined) {
      const result = this.store.create(resource, fields);
      return result.ok
        ? jsonReply(CREATED_STATUS[resource] ?? 200, result.entity)
        : jsonReply(result.status, result.body);
    }
    if (id === undefined) return jsonReply(404, { message: 'Not found' });
    const result = this.store.update(resource, id, fields);
    return result.ok ? jsonReply(200, result.entity) : jsonReply(result.status, result.body);
  }

  /** A page of a list with MOCO's headers; no `rel="next"` on the last page (external-apis.md 1.2). */
  private page(url: URL, rows: unknown[]): Reply {
    const perPage = clamp(Number(url.searchParams.get('per_page') ?? 100), 1, 100);
    const page = Math.max(1, Math.floor(Number(url.searchParams.get('page') ?? 1)) || 1);
    const slice = rows.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {
      'X-Page': String(page),
      'X-Per-Page': String(perPage),
      'X-Total': String(rows.length),
    };
    if (page * perPage < rows.length) {
      const next = new URL(`${this.url}${url.pathname}${url.search}`);
      next.searchParams.set('page', String(page + 1));
      headers.Link = `<${next.toString()}>; rel="next"`;
    }
    return jsonReply(200, slice, headers);
  }

  private hang(
    res: ServerResponse,
    record: Omit<MocoReceivedRequest, 'status' | 'response'>,
    delayMs?: number,
  ): void {
    this.received.push({ ...record, status: 0, response: undefined });
    if (delayMs === undefined) return;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      if (!res.destroyed) res.destroy();
    }, delayMs);
    this.pending.add(timer);
  }

  /** Records the request before answering, so a client that got its response always finds it in `received`. */
  private finish(
    res: ServerResponse,
    record: Omit<MocoReceivedRequest, 'status' | 'response'>,
    reply: Reply,
  ): void {
    this.received.push({ ...record, status: reply.status, response: reply.value });
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
  }
}

function apiKeyOf(authorization: string | undefined): string | undefined {
  const match = /^(?:Token token=|Bearer )(\S+)$/.exec(authorization ?? '');
  return match?.[1];
}

/** Paths may be given with or without the `/api/v1` prefix. */
function scopeOf(opts: MocoFailOptions): MocoFailOptions {
  const path = opts.path === undefined || opts.path.startsWith(API) ? opts.path : `${API}${opts.path}`;
  return { method: opts.method?.toUpperCase(), path };
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.floor(value))) : max;
}
