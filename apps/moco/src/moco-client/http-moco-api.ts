import { Injectable } from '@nestjs/common';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { MocoConfig } from '../config/moco.config';
import {
  MocoApi,
  MocoApiError,
  type MocoConnection,
  type MocoFilters,
  type MocoRecord,
  type MocoResourcePath,
} from './moco-api';
import { MocoRateBudget, RateBudgetExhaustedError, sleep } from './moco-rate-budget';
import { mocoErrorMessage, retryAfterMs } from './retry-after';

/** A list is followed for at most this many pages (100 records each): lookups never need more. */
const MAX_PAGES = 50;

interface CallOptions {
  method: 'GET' | 'POST';
  url: string;
  body?: object;
}

/**
 * MOCO over fetch: every call takes a slot of the shared request budget first, is bounded by a timeout (and with
 * its retries by MOCO_MAX_WAIT_MS), and is
 * retried with exponential backoff (from MOCO_BACKOFF_MS) or after MOCO's Retry-After. A create is retried only
 * when MOCO surely did not act on it (429); after no answer or a 5xx it throws an `unknown` outcome, and the
 * caller looks the record up before creating again (external-apis.md 1.5).
 */
@Injectable()
export class HttpMocoApi extends MocoApi {
  private readonly log: Logger;

  constructor(
    private readonly config: MocoConfig,
    private readonly budget: MocoRateBudget,
    logger: AppLogger,
  ) {
    super();
    this.log = logger.child('moco-api');
  }

  async checkSession(conn: MocoConnection, withinMs: number): Promise<void> {
    await this.call(conn, { method: 'GET', url: `${conn.baseUrl}/session` }, 0, withinMs);
  }

  async list(
    conn: MocoConnection,
    resource: MocoResourcePath,
    filters: MocoFilters = {},
    withinMs?: number,
  ): Promise<MocoRecord[]> {
    const first = new URL(`${conn.baseUrl}/${resource}`);
    for (const [name, value] of Object.entries(filters)) {
      if (value !== undefined) first.searchParams.set(name, String(value));
    }
    const records: MocoRecord[] = [];
    let url: string | null = first.toString();
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const response = await this.call(conn, { method: 'GET', url }, this.config.MOCO_MAX_RETRIES, withinMs);
      records.push(...(response.body as MocoRecord[]));
      url = nextLink(response.headers.get('link'));
    }
    return records;
  }

  async get(
    conn: MocoConnection,
    resource: MocoResourcePath,
    id: number,
    withinMs?: number,
  ): Promise<MocoRecord | null> {
    try {
      const response = await this.call(
        conn,
        { method: 'GET', url: `${conn.baseUrl}/${resource}/${id}` },
        this.config.MOCO_MAX_RETRIES,
        withinMs,
      );
      return response.body as MocoRecord;
    } catch (error) {
      if (error instanceof MocoApiError && error.vendorStatus === 404) return null;
      throw error;
    }
  }

  async create(conn: MocoConnection, resource: MocoResourcePath, body: object): Promise<MocoRecord> {
    const response = await this.call(
      conn,
      { method: 'POST', url: `${conn.baseUrl}/${resource}`, body },
      this.config.MOCO_MAX_RETRIES,
    );
    return response.body as MocoRecord;
  }

  private async call(
    conn: MocoConnection,
    options: CallOptions,
    maxRetries: number,
    withinMs = this.config.MOCO_MAX_WAIT_MS,
  ): Promise<{ body: unknown; headers: Headers }> {
    const deadline = Date.now() + Math.min(withinMs, this.config.MOCO_MAX_WAIT_MS);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(conn, options, deadline);
      } catch (error) {
        const failure = asMocoError(error);
        const safeToRepeat = options.method === 'GET' || failure.outcome === 'not_applied';
        if (!failure.retryable || !safeToRepeat || attempt >= maxRetries) throw failure;
        const waitMs = failure.retryAfterMs ?? this.config.MOCO_BACKOFF_MS * 2 ** attempt;
        if (Date.now() + waitMs >= deadline) throw failure;
        this.log.warn(
          {
            method: options.method,
            path: pathOf(options.url),
            vendor_status: failure.vendorStatus,
            wait_ms: waitMs,
          },
          'MOCO call failed; retrying',
        );
        await sleep(waitMs);
      }
    }
  }

  private async once(
    conn: MocoConnection,
    options: CallOptions,
    deadline: number,
  ): Promise<{ body: unknown; headers: Headers }> {
    try {
      await this.budget.acquire(conn.apiKey, deadline);
    } catch (error) {
      if (error instanceof RateBudgetExhaustedError) {
        throw new MocoApiError(error.message, null, true, 'not_applied', error.waitMs);
      }
      throw error;
    }
    const signal = AbortSignal.timeout(
      Math.max(1, Math.min(this.config.MOCO_HTTP_TIMEOUT_MS, deadline - Date.now())),
    );
    let response: Response;
    try {
      response = await fetch(options.url, {
        method: options.method,
        headers: {
          Authorization: `Token token=${conn.apiKey}`,
          Accept: 'application/json',
          ...(options.body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: options.body ? JSON.stringify(options.body) : undefined,
        signal,
      });
    } catch {
      // The signal, not the error's class, tells a timeout (a DOMException may come from another realm).
      throw new MocoApiError(
        signal.aborted ? 'MOCO did not answer in time' : 'MOCO could not be reached',
        null,
        true,
        'unknown',
      );
    }
    const text = await response.text();
    if (response.ok) return { body: text ? (JSON.parse(text) as unknown) : null, headers: response.headers };
    if (response.status === 429) {
      throw new MocoApiError(
        'MOCO rate limit reached (429)',
        429,
        true,
        'not_applied',
        retryAfterMs(response.headers.get('retry-after')),
      );
    }
    const message = `MOCO answered ${response.status}: ${mocoErrorMessage(text)}`;
    if (response.status >= 500) throw new MocoApiError(message, response.status, true, 'unknown');
    throw new MocoApiError(message, response.status, false, 'not_applied');
  }
}

function asMocoError(error: unknown): MocoApiError {
  return error instanceof MocoApiError
    ? error
    : new MocoApiError(
        `MOCO call failed: ${error instanceof Error ? error.message : String(error)}`,
        null,
        true,
        'unknown',
      );
}

/** `<…?page=4>; rel="next"`; absent on the last page. */
function nextLink(link: string | null): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return match[1];
  }
  return null;
}

/** The path without host or query (a query may hold an email). */
function pathOf(url: string): string {
  return new URL(url).pathname;
}
