/**
 * Failure modes of the fake SMTP server. `times` = how many matching sessions the mode spoils before it heals
 * itself; undefined = until `heal()`.
 */
export type SmtpFailureMode =
  /** `RCPT TO` answered `550 5.1.1 <address>: Recipient address rejected: User unknown` (a bounce). */
  | { kind: 'reject_recipient'; times?: number }
  /** A permanent rejection of the message after DATA (`554 5.7.1 Message rejected`, or the code given). */
  | { kind: 'reject_message'; code?: 550 | 552 | 554; times?: number }
  /** `451 4.3.0 Temporary local problem, try again later`, at `RCPT TO` or after the message (default). */
  | { kind: 'temporary'; stage?: 'rcpt' | 'data'; times?: number }
  /**
   * The server drops the connection: at `connect` (before the greeting; nothing can have been taken) or at `data`
   * (after the whole message arrived, before the reply: the client cannot know whether it was taken; the message
   * is NOT recorded as delivered).
   */
  | { kind: 'drop'; stage?: 'connect' | 'data'; times?: number }
  /** Every reply of the session waits `delayMs` first (a slow server; long enough, it makes clients time out). */
  | { kind: 'slow'; delayMs: number; times?: number }
  /**
   * The message is taken (recorded as received) and only its `250` waits `delayMs`: the client that gives up or
   * dies meanwhile cannot know that the email went out.
   */
  | { kind: 'hold_accept'; delayMs: number; times?: number };

/** One email the fake accepted (`250` after DATA), parsed. */
export interface ReceivedEmail {
  at: Date;
  /** SMTP envelope: `MAIL FROM` and every accepted `RCPT TO`. */
  envelope: { from: string | null; to: string[] };
  /** the From header's address. */
  from: string | null;
  /** the To header's addresses. */
  to: string[];
  subject: string | null;
  html: string | null;
  text: string | null;
  /** the Message-ID header, with its angle brackets. */
  messageId: string | null;
  /** every header, lower-case names, values as the parser rendered them to text. */
  headers: Record<string, string>;
  /** the message as it arrived. */
  raw: string;
}

/** One session's outcome, whatever it was (for asserting on retries). */
export interface SmtpSessionRecord {
  at: Date;
  /** what the fake answered the message, e.g. `250`, `451`, `550`, or `dropped`. */
  outcome: string;
}

export interface FakeSmtpStartOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Accept only this user/password (AUTH PLAIN/LOGIN); default: no authentication. */
  auth?: { user: string; pass: string };
}
