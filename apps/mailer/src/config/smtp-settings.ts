import { DEFAULT_SMTP_URL, type MailerConfig } from './mailer.config';

/** Where and how to reach the SMTP server, whichever way the environment named it. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** implicit TLS (smtps, port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  auth: { user: string; pass: string } | null;
  from: string;
  /** the domain of MAIL_FROM, ending every Message-ID. */
  fromDomain: string;
  connectionTimeoutMs: number;
  socketTimeoutMs: number;
}

export function smtpSettingsOf(config: MailerConfig): SmtpSettings {
  const server = config.SMTP_HOST
    ? {
        host: config.SMTP_HOST,
        port: config.SMTP_PORT,
        secure: config.SMTP_PORT === 465,
        auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASS ?? '' } : null,
      }
    : fromUrl(config.SMTP_URL ?? DEFAULT_SMTP_URL);
  return {
    ...server,
    from: config.MAIL_FROM,
    fromDomain: domainOf(config.MAIL_FROM),
    connectionTimeoutMs: config.SMTP_CONNECTION_TIMEOUT_MS,
    socketTimeoutMs: config.SMTP_SOCKET_TIMEOUT_MS,
  };
}

function fromUrl(
  value: string,
): Omit<SmtpSettings, 'from' | 'fromDomain' | 'connectionTimeoutMs' | 'socketTimeoutMs'> {
  const url = new URL(value);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : null,
  };
}

function domainOf(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return address.slice(address.lastIndexOf('@') + 1).trim() || 'localhost';
}
