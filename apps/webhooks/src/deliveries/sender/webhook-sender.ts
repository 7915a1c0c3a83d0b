/** One signed POST to a subscriber. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What one attempt got back. `status` is null when no answer came (timeout, refused connection…). */
export interface WebhookResponseOutcome {
  status: number | null;
  /** the first 1 KB of the answer */
  bodyExcerpt: string | null;
  /** a 429/503's `Retry-After`, in ms */
  retryAfterMs: number | null;
  durationMs: number;
  error: string | null;
}

/** The subscriber's HTTP endpoint, behind an interface so the worker does not know the HTTP client. */
export abstract class WebhookSender {
  abstract send(request: WebhookRequest, timeoutMs: number): Promise<WebhookResponseOutcome>;
}
