/** An email ready for the SMTP server. */
export interface OutgoingEmail {
  to: { address: string; name: string | null };
  subject: string;
  html: string;
  text: string;
  /** `<…@domain>`, derived from the command's idempotency key. */
  messageId: string;
}

export interface SmtpSendResult {
  /** the server's final reply, e.g. `250 2.0.0 Ok: queued as 4F2A1`. */
  response: string;
}

/**
 * How a failed send should be treated:
 * - `transient`: no connection, a 4xx reply, or no reply; a later attempt may succeed;
 * - `bounced`: the recipient was refused for good (a 5xx with enhanced status 5.1.x, e.g. `550 5.1.1`);
 * - `permanent`: any other 5xx; retrying cannot help.
 */
export type SmtpFailureKind = 'transient' | 'bounced' | 'permanent';

/**
 * Whether the server may have taken the email although the send failed: `unknown` only when the whole message
 * had been written and the server's verdict on it never arrived (the connection dropped or timed out then).
 */
export type SmtpSendOutcome = 'not_sent' | 'unknown';

export class SmtpDeliveryError extends Error {
  constructor(
    readonly kind: SmtpFailureKind,
    /** the SMTP reply code (550, 451…), null without a reply. */
    readonly smtpStatus: number | null,
    /** the server's reply, trimmed; null without one. */
    readonly response: string | null,
    message: string,
    readonly outcome: SmtpSendOutcome = 'not_sent',
  ) {
    super(message);
    this.name = 'SmtpDeliveryError';
  }

  get retryable(): boolean {
    return this.kind === 'transient';
  }
}

/** One way of handing emails to an SMTP server. `send` throws SmtpDeliveryError and nothing else. */
export interface MailTransport {
  send(email: OutgoingEmail): Promise<SmtpSendResult>;
  /** Whether the server answers (connects, greets, accepts the login); never throws. */
  verify(): Promise<boolean>;
}

export const MAIL_TRANSPORT = Symbol('MAIL_TRANSPORT');
