import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { FailureModes } from '../fake-slack/failure-modes';
import { type Reply, jsonReply } from '../fake-slack/reply';
import { isPlainObject, readRawBody, tryParseJson } from '../fake-slack/request-body';
import { CituroStore, cituroId, type CustomerFields } from './cituro-store';
import type {
  CituroCustomer,
  CituroFailureMode,
  CituroReceivedRequest,
  CituroService,
  CituroWebhookDelivery,
  CituroWebhookResponse,
  FakeCituroStartOptions,
} from './fake-cituro.types';
import { sendCituroWebhook } from './webhook-sender';
import { listenOnLoopback } from '../process/listen-on-loopback';

/** The key the fake accepts unless told otherwise. */
export const FAKE_CITURO_API_KEY = 'ak_fake_cituro_key';
const API_BASE = '/api';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface Request {
  method: string;
  path: string;
  query: Record<string, string>;
  key: string | undefined;
  body: unknown;
}

/**
 * Localhost stand-in for `https://app.cituro.com/api`, faithful to external-apis.md §2 (checklist §2.5):
 * `X-API-KEY` auth, the `{data, success}` envelope, `{errors:[{message,type}], success:false}` errors,
 * customers (filter, get, create, upsert with `key=email`), services, appointments (validates serviceId),
 * webhooks (returns a `whs_` secret), failure modes (429 + Retry-After, 5xx, no answer), a record of every
 * request, and a sender of signed webhooks (§2.4: `t` in ms, lowercase hex HMAC over "<t>.<raw body>").
 */
export class FakeCituroServer {
  /** Every request in arrival order, failed ones included. Cleared in place by `reset()`. */
  readonly received: CituroReceivedRequest[] = [];

  private readonly server: Server;
  private readonly store = new CituroStore();
  private readonly failures = new FailureModes<CituroFailureMode>();
  private apiKeys: string[];
  private listenPort = 0;
  private closed = false;

  private constructor(options: FakeCituroStartOptions) {
    this.apiKeys = options.apiKeys ?? [FAKE_CITURO_API_KEY];
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(options: FakeCituroStartOptions = {}): Promise<FakeCituroServer> {
    const fake = new FakeCituroServer(options);
    fake.listenPort = await listenOnLoopback(fake.server, options.port ?? 0);
    return fake;
  }

  /** The API base URL, e.g. `http://127.0.0.1:54321/api` (what `CITURO_BASE_URL` / `base_url` names). */
  get url(): string {
    return `http://127.0.0.1:${this.listenPort}${API_BASE}`;
  }

  /** Replaces the accepted API keys; keys starting `rk_` may read but not manage webhooks (as observed). */
  acceptKeys(keys: string[]): void {
    this.apiKeys = [...keys];
  }

  /**
   * Switches on a failure mode for one path below the base (`/customers`), optionally for one method only, or
   * for every request. A method-scoped mode wins over a path-scoped one, which wins over the global one.
   */
  fail(mode: CituroFailureMode, options: { path?: string; method?: string } = {}): void {
    this.failures.set(mode, scopeOf(options));
  }

  heal(options: { path?: string; method?: string } = {}): void {
    this.failures.clear(options.path === undefined ? undefined : scopeOf(options));
  }

  /** Clears recorded requests, failure modes, customers, appointments and webhooks (keys are kept). */
  reset(): void {
    this.received.length = 0;
    this.failures.clear();
    this.store.clear();
  }

  customers(): CituroCustomer[] {
    return this.store.customers.map((c) => ({ ...c }));
  }

  services(): CituroService[] {
    return this.store.services.map((s) => ({ ...s }));
  }

  /** Adds a customer as if created in the Cituro Manager. */
  seedCustomer(fields: { firstName?: string; lastName?: string; email?: string }): CituroCustomer {
    return { ...this.store.createCustomer(fields) };
  }

  /** Requests made to one method and path, e.g. `requests('POST', '/customers')`. */
  requests(method: string, path: string): CituroReceivedRequest[] {
    return this.received.filter((r) => r.method === method && r.path === path);
  }

  /** POSTs a webhook signed as Cituro signs it (external-apis.md §2.4) and returns the receiver's answer. */
  sendWebhook(delivery: CituroWebhookDelivery): Promise<CituroWebhookResponse> {
    return sendCituroWebhook(delivery);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const done = new Promise<void>((resolve, reject) =>
      this.server.close((err) => (err ? reject(err) : resolve())),
    );
    this.server.closeAllConnections();
    await done;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = new Date();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.startsWith(API_BASE)
      ? url.pathname.slice(API_BASE.length) || '/'
      : url.pathname;
    const query = Object.fromEntries(url.searchParams.entries());
    const method = req.method ?? 'GET';
    // An oversized body (the reader's guard) is treated as empty: the fake then rejects it as invalid.
    const rawBody = await readRawBody(req).catch(() => '');
    const body = rawBody ? (tryParseJson(rawBody) ?? null) : undefined;
    const record = (status: number | null, response: unknown): void => {
      this.received.push({
        at,
        method,
        path,
        query,
        headers: { ...req.headers },
        body,
        rawBody,
        status,
        response,
      });
    };

    const mode = this.failures.take(`${method} ${path}`, false) ?? this.failures.take(path);
    if (mode?.kind === 'timeout') {
      if (mode.afterHandling) this.route({ method, path, query, key: apiKeyOf(req), body, raw: rawBody });
      record(null, null);
      const timer = setTimeout(() => res.destroy(), mode.ms);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    const reply = mode
      ? failureReply(mode)
      : this.route({ method, path, query, key: apiKeyOf(req), body, raw: rawBody });
    record(reply.status, reply.value);
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
  }

  private route(request: Request & { raw: string }): Reply {
    if (!request.key || !this.apiKeys.includes(request.key)) return errorReply(401, 'Access forbidden');
    if (request.method === 'POST' && request.raw && request.body === null) {
      return errorReply(400, 'Invalid JSON body', 'ValidationError');
    }
    const { method, path } = request;
    const [, collection, id, extra] = path.split('/');
    if (extra !== undefined) return errorReply(404, 'Not found', 'NotFoundError');
    if (method === 'GET' && path === '/me') {
      return ok({
        id: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
        name: 'Fake Cituro Account',
        accountNumber: '100001',
      });
    }
    if (collection === 'customers') return this.customersRoute(request, id);
    if (collection === 'services' && method === 'GET') {
      if (id === undefined) return ok(this.limited(this.services(), request.query));
      const service = this.store.services.find((s) => s.id === id);
      return service ? ok(service) : errorReply(404, 'Not found', 'NotFoundError');
    }
    if (collection === 'appointments' && method === 'POST' && id === undefined)
      return this.createAppointment(request);
    if (collection === 'webhooks' && method === 'POST' && id === undefined)
      return this.createWebhook(request);
    return errorReply(404, 'Not found', 'NotFoundError');
  }

  private customersRoute(request: Request, id: string | undefined): Reply {
    const { method, query } = request;
    if (method === 'GET' && id === undefined) {
      const found = this.store.findCustomers({
        email: query['filter[email]'] ?? query.email,
        lastName: query['filter[lastName]'] ?? query.lastName,
        search: query.search,
      });
      return ok(this.limited(found, query));
    }
    if (method === 'GET') {
      const customer = this.store.customers.find((c) => c.id === id);
      return customer ? ok(customer) : errorReply(404, 'Not found', 'NotFoundError');
    }
    if (method === 'POST' && id === undefined) {
      if (!isPlainObject(request.body))
        return errorReply(400, 'Body must be a JSON object', 'ValidationError');
      const fields = request.body as CustomerFields;
      if (fields.email !== undefined && (typeof fields.email !== 'string' || !EMAIL.test(fields.email))) {
        return errorReply(400, 'email is not a valid email address', 'ValidationError');
      }
      if (query.key === 'email') {
        if (typeof fields.email !== 'string')
          return errorReply(400, 'email is required for key=email', 'ValidationError');
        return ok(this.store.upsertCustomerByEmail(fields).customer);
      }
      return ok(this.store.createCustomer(fields));
    }
    return errorReply(404, 'Not found', 'NotFoundError');
  }

  private createAppointment(request: Request): Reply {
    const body = request.body as Record<string, unknown> | null | undefined;
    const items = isPlainObject(body) && Array.isArray(body.items) ? (body.items as unknown[]) : undefined;
    const customerId =
      isPlainObject(body) && isPlainObject(body.booking) ? body.booking.customerId : undefined;
    if (!isPlainObject(body) || typeof body.startDate !== 'string' || !items?.length) {
      return errorReply(400, 'startDate and items are required', 'ValidationError');
    }
    const unknownService = items.some(
      (item) => !isPlainObject(item) || !this.store.services.some((s) => s.id === item.serviceId),
    );
    if (unknownService) return errorReply(400, 'items[].serviceId does not exist', 'ValidationError');
    if (typeof customerId !== 'string' || !this.store.customers.some((c) => c.id === customerId)) {
      return errorReply(400, 'booking.customerId does not exist', 'ValidationError');
    }
    const appointment = {
      id: cituroId(),
      startDate: body.startDate,
      booking: { customerId },
      items: items as { serviceId: string; duration?: number }[],
    };
    this.store.appointments.push(appointment);
    return ok(appointment);
  }

  private createWebhook(request: Request): Reply {
    if (request.key?.startsWith('rk_')) return errorReply(403, 'Access forbidden');
    const body = request.body;
    if (!isPlainObject(body) || typeof body.endpoint !== 'string' || !Array.isArray(body.eventTypes)) {
      return errorReply(400, 'endpoint and eventTypes are required', 'ValidationError');
    }
    const webhook = {
      id: cituroId(),
      name: typeof body.name === 'string' ? body.name : '',
      endpoint: body.endpoint,
      active: body.active !== false,
      eventTypes: body.eventTypes.map(String),
      secret: `whs_${cituroId()}`,
    };
    this.store.webhooks.push(webhook);
    // The secret is returned only here, at creation (external-apis.md §2.3).
    return ok(webhook);
  }

  private limited<T>(rows: T[], query: Record<string, string>): T[] {
    const limit = Number(query.limit ?? query['page[limit]']);
    return Number.isInteger(limit) && limit > 0 ? rows.slice(0, limit) : rows;
  }
}

function scopeOf(options: { path?: string; method?: string }): string | undefined {
  if (options.path === undefined) return undefined;
  return options.method ? `${options.method.toUpperCase()} ${options.path}` : options.path;
}

function apiKeyOf(req: IncomingMessage): string | undefined {
  const value = req.headers['x-api-key'];
  return Array.isArray(value) ? value[0] : value;
}

function ok(data: unknown): Reply {
  return jsonReply(200, { data, success: true });
}

function errorReply(
  status: number,
  message: string,
  type = 'GenericError',
  headers: Record<string, string> = {},
): Reply {
  return jsonReply(status, { errors: [{ message, type }], success: false }, headers);
}

function failureReply(mode: Exclude<CituroFailureMode, { kind: 'timeout' }>): Reply {
  if (mode.kind === 'rate_limit') {
    const headers: Record<string, string> =
      mode.retryAfterSeconds === null ? {} : { 'Retry-After': String(mode.retryAfterSeconds) };
    return errorReply(429, 'Too many requests', 'GenericError', headers);
  }
  return errorReply(mode.status ?? 500, 'Internal server error');
}
