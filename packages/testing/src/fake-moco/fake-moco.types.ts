import type { IncomingHttpHeaders } from 'node:http';

/** The MOCO resources the fake keeps (external-apis.md 1.4). */
export type MocoResource = 'companies' | 'people' | 'deals' | 'offers' | 'projects' | 'invoices';

/** The webhook targets of those resources (`X-Moco-Target`, external-apis.md 1.6). */
export const MOCO_TARGET_OF: Record<MocoResource, string> = {
  companies: 'Company',
  people: 'Contact',
  deals: 'Deal',
  offers: 'Offer',
  projects: 'Project',
  invoices: 'Invoice',
};

export type MocoEntity = Record<string, unknown> & { id: number; created_at: string; updated_at: string };

/** 429; `retryAfterSeconds` undefined = no Retry-After header (MOCO documents none). */
export interface MocoRateLimitMode {
  kind: 'rate_limit';
  retryAfterSeconds?: number;
  times?: number;
}

/** 5xx with a plain-text body. */
export interface MocoServerErrorMode {
  kind: 'server_error';
  status?: 500 | 502 | 503 | 504;
  times?: number;
}

/**
 * No answer for `delayMs` (default: never, until close). With `afterApply` the request takes effect first (a
 * POST creates its record) and only the answer is lost: the "network timeout after MOCO created it" case.
 */
export interface MocoTimeoutMode {
  kind: 'timeout';
  delayMs?: number;
  afterApply?: boolean;
  times?: number;
}

export type MocoFailureMode = MocoRateLimitMode | MocoServerErrorMode | MocoTimeoutMode;

export interface MocoFailOptions {
  /** Only requests with this method (e.g. `POST`). */
  method?: string;
  /** Only requests to this path, e.g. `/api/v1/companies` (no query). */
  path?: string;
}

export interface FakeMocoConfig {
  /** API keys accepted in `Authorization: Token token=<key>` or `Bearer <key>`. Default `['moco-test-key']`. */
  apiKeys?: string[];
  /** Requests allowed per key in any window (MOCO: 120 per 2 min). `false` switches the limit off. */
  rateLimit?: { limit: number; windowMs: number; retryAfter?: boolean } | false;
  /** Custom fields defined in the account, per resource (default `CRM-ID` on every resource). */
  customFields?: Partial<Record<MocoResource, string[]>>;
  /** When true, a customer company and a project need an `identifier` (manual number ranges). */
  manualNumberRanges?: boolean;
}

export interface FakeMocoStartOptions extends FakeMocoConfig {
  port?: number;
}

/** One recorded HTTP request, whatever the outcome. */
export interface MocoReceivedRequest {
  at: Date;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  rawBody: string;
  /** 0 when the fake never answered (timeout mode). */
  status: number;
  response: unknown;
}

export interface MocoWebhookDelivery {
  /** Where to POST, e.g. `http://127.0.0.1:3000/api/v1/integrations/moco/webhook`. */
  url: string;
  /** The 32-hex-char key of the hook; the body is signed with it. */
  key: string;
  target: string;
  event: 'create' | 'update' | 'delete';
  entity: Record<string, unknown>;
  userId?: number;
  accountUrl?: string;
  /** Unix ms; default now. */
  timestamp?: number;
  /** Overrides the computed signature (e.g. to send a wrong one). */
  signature?: string;
}
