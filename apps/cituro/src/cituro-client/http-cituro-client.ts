import { retryAfterMs } from './retry-after';
import {
  CituroCallError,
  type CituroClient,
  type CituroCustomer,
  type CituroCustomerInput,
} from './cituro-client';

export interface HttpCituroClientOptions {
  /** e.g. `https://app.cituro.com/api` (no trailing slash needed). */
  baseUrl: string;
  apiKey: string;
  /** Bound of each HTTP call. */
  timeoutMs: number;
  fetchFn?: typeof globalThis.fetch;
}

interface Envelope {
  success?: unknown;
  data?: unknown;
  errors?: { message?: unknown; type?: unknown }[];
}

/** The Cituro REST API over fetch: `X-API-KEY` auth, `{data, success}` unwrapping, `errors[].message` parsing. */
export class HttpCituroClient implements CituroClient {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof globalThis.fetch;

  constructor(private readonly options: HttpCituroClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchFn = options.fetchFn ?? globalThis.fetch;
  }

  async findCustomerByEmail(email: string): Promise<CituroCustomer | null> {
    const data = await this.call('GET', '/customers', { 'filter[email]': email });
    const list = Array.isArray(data) ? data : [];
    // The filter is Cituro's; the comparison here guards against a looser server-side match.
    const match = list.map(toCustomer).find((c) => c?.email?.toLowerCase() === email.toLowerCase());
    return match ?? null;
  }

  async getCustomer(id: string): Promise<CituroCustomer | null> {
    try {
      return toCustomer(await this.call('GET', `/customers/${encodeURIComponent(id)}`));
    } catch (error) {
      if (error instanceof CituroCallError && error.vendorStatus === 404) return null;
      throw error;
    }
  }

  async upsertCustomer(input: CituroCustomerInput): Promise<CituroCustomer> {
    const body: Record<string, string> = { email: input.email };
    if (input.firstName) body.firstName = input.firstName;
    if (input.lastName) body.lastName = input.lastName;
    const customer = toCustomer(await this.call('POST', '/customers', { key: 'email' }, body));
    if (!customer) throw new CituroCallError('permanent', 200, 'Cituro answered a customer without an id');
    return customer;
  }

  async checkConnection(): Promise<void> {
    await this.call('GET', '/customers', { limit: '1' });
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    query: Record<string, string> = {},
    body?: unknown,
  ): Promise<unknown> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method,
        headers: {
          'X-API-KEY': this.options.apiKey,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new CituroCallError(
        'transient',
        null,
        timedOut
          ? `Cituro did not answer within ${this.options.timeoutMs} ms`
          : 'Cituro could not be reached',
      );
    }
    const envelope = await readEnvelope(response);
    if (response.ok && envelope?.success === true) return envelope.data;
    throw failureOf(response, envelope);
  }
}

async function readEnvelope(response: Response): Promise<Envelope | null> {
  try {
    const parsed: unknown = JSON.parse(await response.text());
    return typeof parsed === 'object' && parsed !== null ? (parsed as Envelope) : null;
  } catch {
    return null;
  }
}

function failureOf(response: Response, envelope: Envelope | null): CituroCallError {
  const status = response.status;
  const vendorMessage = envelope?.errors?.find((e) => typeof e?.message === 'string')?.message as
    string | undefined;
  const described = `Cituro answered HTTP ${status}${vendorMessage ? `: ${vendorMessage.slice(0, 200)}` : ''}`;
  if (status === 429) {
    return new CituroCallError(
      'rate_limited',
      status,
      described,
      retryAfterMs(response.headers.get('retry-after')),
    );
  }
  if (status === 401 || status === 403) return new CituroCallError('unauthorized', status, described);
  if (status >= 500) return new CituroCallError('transient', status, described);
  if (response.ok)
    return new CituroCallError('permanent', status, 'Cituro answered outside its {data, success} envelope');
  return new CituroCallError('permanent', status, described);
}

function toCustomer(value: unknown): CituroCustomer | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  if (typeof record.id !== 'string' || !record.id) return null;
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    id: record.id,
    email: text(record.email),
    firstName: text(record.firstName),
    lastName: text(record.lastName),
  };
}
