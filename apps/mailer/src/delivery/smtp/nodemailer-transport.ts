import { createTransport } from 'nodemailer';
import type { SmtpSettings } from '../../config/smtp-settings';
import {
  SmtpDeliveryError,
  type MailTransport,
  type OutgoingEmail,
  type SmtpSendResult,
} from './mail-transport';

/** The Nodemailer error properties this client reads (see NodemailerError). */
interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/** RFC 3463 enhanced status 5.1.x: the address is bad (no such user, bad domain…), so the email bounced. */
const RECIPIENT_REJECTED = /\b5\.1\.\d{1,3}\b/;

/**
 * Sends over SMTP with Nodemailer, one connection per email (low volume; no pool to go stale), without retries of
 * its own: the message queue schedules them so a handler never blocks.
 *
 * A failed send is classified by the server's reply code (4xx transient, 5xx permanent, 5.1.x bounced). Without a
 * reply, what matters is whether the whole message had been written: before that the server cannot have taken it
 * (it accepts only after the final `.`), after it the email may be on its way.
 */
export class NodemailerTransport implements MailTransport {
  constructor(private readonly settings: SmtpSettings) {}

  async send(email: OutgoingEmail): Promise<SmtpSendResult> {
    const progress = { messageWritten: false };
    const transport = this.transport(progress);
    try {
      const info = (await transport.sendMail({
        from: this.settings.from,
        to: email.to.name ? { name: email.to.name, address: email.to.address } : email.to.address,
        subject: email.subject,
        html: email.html,
        text: email.text,
        messageId: email.messageId,
        // Plain addresses only: no file or URL attachments can be smuggled in through content.
        disableFileAccess: true,
        disableUrlAccess: true,
      })) as { response?: string };
      return { response: (info.response ?? '').slice(0, 500) };
    } catch (error) {
      throw toDeliveryError(error, progress.messageWritten);
    } finally {
      transport.close();
    }
  }

  async verify(): Promise<boolean> {
    const transport = this.transport({ messageWritten: false });
    try {
      return await transport.verify();
    } catch {
      return false;
    } finally {
      transport.close();
    }
  }

  private transport(progress: { messageWritten: boolean }) {
    const { settings } = this;
    return createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      auth: settings.auth ?? undefined,
      connectionTimeout: settings.connectionTimeoutMs,
      greetingTimeout: settings.connectionTimeoutMs,
      socketTimeout: settings.socketTimeoutMs,
      dnsTimeout: settings.connectionTimeoutMs,
      // Nodemailer reports the end of the message body as an info entry `tnx: message`; nothing is logged.
      logger: progressLogger(progress),
    });
  }
}

function progressLogger(progress: { messageWritten: boolean }) {
  const ignore = () => undefined;
  return {
    level: ignore,
    trace: ignore,
    debug: ignore,
    warn: ignore,
    error: ignore,
    fatal: ignore,
    info: (entry: { tnx?: string }) => {
      if (entry?.tnx === 'message') progress.messageWritten = true;
    },
  };
}

function toDeliveryError(error: unknown, messageWritten: boolean): SmtpDeliveryError {
  const smtp = (error ?? {}) as SmtpError;
  const status = typeof smtp.responseCode === 'number' ? smtp.responseCode : null;
  const response = typeof smtp.response === 'string' ? smtp.response.trim().slice(0, 500) : null;
  if (status !== null && status >= 400) {
    const described = `SMTP server answered ${response ?? status}`;
    if (status < 500 || status === 503)
      return new SmtpDeliveryError('transient', status, response, described);
    const kind = response && RECIPIENT_REJECTED.test(response) ? 'bounced' : 'permanent';
    return new SmtpDeliveryError(kind, status, response, described);
  }
  // No rejection: the connection failed, timed out or closed.
  return new SmtpDeliveryError(
    'transient',
    status,
    response,
    `SMTP ${smtp.code ?? 'error'}: ${safeReason(smtp)}`,
    messageWritten ? 'unknown' : 'not_sent',
  );
}

/** The error's own words without anything that could carry credentials (an smtp:// URL). */
function safeReason(error: Error): string {
  return String(error.message ?? error)
    .replace(/smtps?:\/\/\S+/g, '[url]')
    .slice(0, 300);
}
