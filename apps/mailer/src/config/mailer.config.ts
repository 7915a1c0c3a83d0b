import { Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  registerDecorator,
} from 'class-validator';
import { consumersOf, Subjects } from '@crm/contracts';
import { BaseServiceConfig } from '@crm/service-kit';

const sendEmail = consumersOf('mailer').find((c) => c.subject === Subjects.MailerSendEmail);
const sendEmailAckWaitSeconds = sendEmail?.ackWaitSeconds ?? 60;
/**
 * A command in flight holds two connections: its consumer transaction, and the one that commits the attempt
 * (`sending`) before the SMTP server is called.
 */
export const MIN_MAILER_POOL_SIZE = 2 * (sendEmail?.concurrency ?? 4) + 2;
/**
 * Each SMTP timeout may take at most a quarter of the send-email consumer's ack wait: one send waits for the
 * connection, the greeting and several replies, and must finish before the broker hands the command to another
 * instance.
 */
export const MAX_SMTP_TIMEOUT_MS = (sendEmailAckWaitSeconds * 1000) / 4;
/** Where `npm start` looks for an SMTP server when none is configured (e.g. a local MailHog/Mailpit). */
export const DEFAULT_SMTP_URL = 'smtp://127.0.0.1:1025';

/** `Name <address>` or a bare address. */
const MAIL_FROM_FORMAT = /^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;

/** Refuses a second way of naming the server next to SMTP_URL, so nobody wonders which one is used. */
function NotWith(other: string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'notWith',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `$property and ${other} cannot both be set: use one way of naming the SMTP server`,
      },
      validator: {
        validate: (value: unknown, args) =>
          value === undefined || (args?.object as Record<string, unknown>)[other] === undefined,
      },
    });
}

/**
 * Environment of the mailer service (architecture.md, Configuration). The SMTP server is named by `SMTP_URL`
 * (`smtp://user:pass@host:587`, `smtps://…` for implicit TLS) or by SMTP_HOST/SMTP_PORT/SMTP_USER/SMTP_PASS.
 * Neither set: DEFAULT_SMTP_URL, so the service starts on a developer machine without an SMTP server (it then
 * reports itself not connected and its commands retry, then fail visibly).
 */
export class MailerConfig extends BaseServiceConfig {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) MAILER_PORT = 3007;

  @Type(() => Number)
  @IsInt()
  @Min(MIN_MAILER_POOL_SIZE, {
    message: `DATABASE_POOL_SIZE must be at least ${MIN_MAILER_POOL_SIZE} for the mailer service (two connections per command in flight)`,
  })
  @Max(200)
  override DATABASE_POOL_SIZE = 20;

  @IsOptional()
  @Matches(/^smtps?:\/\/[^/\s]+/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  @NotWith('SMTP_HOST')
  SMTP_URL?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[^\s/:]+$/, { message: 'SMTP_HOST must be a host name' })
  SMTP_HOST?: string;

  /** With SMTP_HOST; 465 means implicit TLS, any other port upgrades with STARTTLS when offered. */
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) SMTP_PORT = 587;

  @IsOptional() @IsString() SMTP_USER?: string;

  @ValidateIf((config: MailerConfig) => config.SMTP_USER !== undefined || config.SMTP_PASS !== undefined)
  @IsString({ message: 'SMTP_PASS must be set together with SMTP_USER' })
  SMTP_PASS?: string;

  /** The sender of every email (`CRM <crm@example.com>`); its domain also ends every Message-ID. */
  @Matches(MAIL_FROM_FORMAT, { message: 'MAIL_FROM must be an address or "Name <address>"' })
  MAIL_FROM = 'DNA ME CRM <crm@localhost>';

  /** Opening the connection, and then the server's greeting, may each take this long. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(MAX_SMTP_TIMEOUT_MS, {
    message: `SMTP_CONNECTION_TIMEOUT_MS must be at most ${MAX_SMTP_TIMEOUT_MS} ms, a quarter of the send-email consumer's ack wait`,
  })
  SMTP_CONNECTION_TIMEOUT_MS = 10_000;

  /** The server may stay silent this long inside a session (a reply to a command, the end of DATA). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(MAX_SMTP_TIMEOUT_MS, {
    message: `SMTP_SOCKET_TIMEOUT_MS must be at most ${MAX_SMTP_TIMEOUT_MS} ms, a quarter of the send-email consumer's ack wait`,
  })
  SMTP_SOCKET_TIMEOUT_MS = 15_000;
}
