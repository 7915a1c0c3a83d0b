/** A Cituro customer as this service uses it (external-apis.md §2.3). */
export interface CituroCustomer {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
}

export interface CituroCustomerInput {
  email: string;
  firstName?: string | null;
  lastName?: string | null;
}

/**
 * How a failed call should be treated:
 * - `rate_limited`: 429; retry after `retryAfterMs` when Cituro sent Retry-After, else back off;
 * - `transient`: 5xx, network error or timeout; retry with backoff;
 * - `unauthorized`: 401/403, the key is wrong or lacks the permission; retrying cannot help;
 * - `permanent`: any other rejection (4xx, an answer outside the `{data, success}` envelope).
 */
export type CituroFailureKind = 'rate_limited' | 'transient' | 'unauthorized' | 'permanent';

export class CituroCallError extends Error {
  constructor(
    readonly kind: CituroFailureKind,
    readonly vendorStatus: number | null,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'CituroCallError';
  }

  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'transient';
  }
}

/**
 * One Cituro account's API (external-apis.md §2.3: only evidenced endpoints). Each method is a single HTTP call
 * without retries (see CituroRetryPolicy); implementations throw CituroCallError and nothing else.
 */
export interface CituroClient {
  /** `GET /customers?filter[email]=<email>`: the first match, or null. */
  findCustomerByEmail(email: string): Promise<CituroCustomer | null>;
  /** `GET /customers/{id}`, or null for an unknown id. */
  getCustomer(id: string): Promise<CituroCustomer | null>;
  /** `POST /customers?key=email`: updates the customer with that email, else creates one. */
  upsertCustomer(input: CituroCustomerInput): Promise<CituroCustomer>;
  /** `GET /customers?limit=1`: succeeds when the key may read the account. */
  checkConnection(): Promise<void>;
}
