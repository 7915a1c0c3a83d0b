/** Where and as whom to call MOCO (from the run-time settings). */
export interface MocoConnection {
  /** e.g. `https://acme.mocoapp.com/api/v1`, no trailing slash. */
  baseUrl: string;
  apiKey: string;
}

/** MOCO's resources as their API paths name them (external-apis.md 1.4). */
export type MocoResourcePath =
  | 'companies'
  | 'contacts/people'
  | 'deals'
  | 'offers'
  | 'projects'
  | 'invoices'
  | 'users'
  | 'deal_categories';

export type MocoRecord = Record<string, unknown> & { id: number };
export type MocoFilters = Record<string, string | number | boolean | undefined>;

/**
 * How a failed call ended. `not_applied`: MOCO did not act on it (a 4xx, a 429, nothing sent); `unknown`: no
 * answer or a 5xx after the request left, so a create may have happened and must be looked up before a retry.
 */
export type MocoOutcome = 'not_applied' | 'unknown';

export class MocoApiError extends Error {
  constructor(
    message: string,
    readonly vendorStatus: number | null,
    readonly retryable: boolean,
    readonly outcome: MocoOutcome,
    /** MOCO asked us to wait (Retry-After), or our own request budget is used up. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'MocoApiError';
  }
}

/** The only code that talks to MOCO's HTTP API. */
export abstract class MocoApi {
  /**
   * `GET /session`: resolves when the key is valid. `withinMs` (here and below) bounds the whole call, waits and
   * retries included (default MOCO_MAX_WAIT_MS): a request-reply answer has to fit the gateway's timeout.
   */
  abstract checkSession(conn: MocoConnection, withinMs: number): Promise<void>;
  /** Every record of a list, following `Link: rel="next"` (external-apis.md 1.2). */
  abstract list(
    conn: MocoConnection,
    resource: MocoResourcePath,
    filters?: MocoFilters,
    withinMs?: number,
  ): Promise<MocoRecord[]>;
  /** One record by id; null when MOCO answers 404. */
  abstract get(
    conn: MocoConnection,
    resource: MocoResourcePath,
    id: number,
    withinMs?: number,
  ): Promise<MocoRecord | null>;
  abstract create(conn: MocoConnection, resource: MocoResourcePath, body: object): Promise<MocoRecord>;
}
