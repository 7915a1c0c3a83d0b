import type { IncomingHttpHeaders } from 'node:http';
import type { WebhookVerification } from './standard-webhooks-verifier';

/**
 * How the receiver answers one attempt. `status` covers 2xx, 3xx (with a Location), 410 and 500;
 * `retry_after` a 429 or 503 with `Retry-After` in seconds; `slow` answers only after `delayMs` (beyond the
 * sender's timeout, so the sender gives up first).
 */
export type WebhookResponse =
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'retry_after'; status: 429 | 503; retryAfterSeconds: number }
  | { kind: 'slow'; delayMs: number; status?: number };

export interface ReceivedWebhook {
  at: Date;
  method: string;
  /** path with query, e.g. `/hooks/a` */
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** the parsed JSON body, or undefined when it is not JSON */
  body: unknown;
  /** the status answered (for a slow answer: the one written after the delay) */
  status: number;
  /** verification against each configured secret, in the order given to `setSecrets` */
  verifications: WebhookVerification[];
  /** the `webhook-signature` header split into its entries */
  signatures: string[];
}

export interface FakeWebhookReceiverOptions {
  port?: number;
  /** `whsec_…` secrets to verify against (see `setSecrets`) */
  secrets?: string[];
}
