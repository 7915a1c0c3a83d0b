import { Type } from 'class-transformer';
import {
  IsEmail,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { VendorFailure } from './slack.v1.messages';

/**
 * Command: render and send one email. The envelope's idempotency_key makes a redelivered or retried command send
 * once. The content is either a stored template (`template_key`) or given inline (`subject` + `html`, optional
 * `text`); either way `{VARIABLE}` placeholders are filled from `variables` by the mailer.
 */
export class MailerSendEmailV1 {
  @IsEmail() @MaxLength(320) to: string;
  @IsOptional() @IsString() @MaxLength(255) to_name?: string | null;
  @ValidateIf((command: MailerSendEmailV1) => command.subject === undefined && command.html === undefined)
  @IsString()
  @MaxLength(100)
  template_key?: string;
  @ValidateIf((command: MailerSendEmailV1) => command.template_key === undefined)
  @IsString()
  @MaxLength(998)
  subject?: string;
  @ValidateIf((command: MailerSendEmailV1) => command.template_key === undefined)
  @IsString()
  @MaxLength(200_000)
  html?: string;
  @IsOptional() @IsString() @MaxLength(200_000) text?: string;
  @IsOptional() @IsObject() variables?: Record<string, string | number | null>;
  /** The person the email concerns, so a GDPR erase finds its delivery log rows. */
  @IsOptional() @IsUUID() lead_id?: string | null;
  /** who asked, echoed in the result so the requester can correlate (e.g. a trigger run id). */
  @IsOptional() @IsString() @MaxLength(255) reference?: string | null;
}

export class MailerEmailSentV1 {
  @IsString() idempotency_key: string;
  @IsOptional() @IsString() reference: string | null;
  @IsUUID() delivery_id: string;
  /** The SMTP Message-ID the mailer gave the email. */
  @IsString() message_id: string;
  @IsInt() @Min(1) attempts: number;
}

export class MailerEmailFailedV1 {
  @IsString() idempotency_key: string;
  @IsOptional() @IsString() reference: string | null;
  @IsOptional() @IsUUID() delivery_id: string | null;
  @ValidateNested() @Type(() => VendorFailure) error: VendorFailure;
  @IsInt() @Min(1) attempts: number;
}

/**
 * Error codes the mailer itself puts in MailerEmailFailedV1. Besides these, an SMTP rejection is reported with
 * `smtp_rejected` (a permanent 5xx) and `vendor_status` holding the SMTP reply code.
 */
export const MailerFailureCodes = {
  /** `template_key` names no stored template. */
  TemplateNotFound: 'template_not_found',
  /** The receiving server refused the recipient for good (5.1.x, e.g. `550 5.1.1` no such user): bounced. */
  RecipientRejected: 'recipient_rejected',
  /** The SMTP server refused the email for good (another 5xx). */
  SmtpRejected: 'smtp_rejected',
  /** The SMTP server stayed unreachable or kept answering 4xx until the deliveries ran out. */
  SmtpUnavailable: 'smtp_unavailable',
  /**
   * An earlier attempt may have handed the email to the SMTP server but its outcome was never recorded (the
   * connection dropped after the message was sent, or the process stopped). SMTP offers no way to ask, so the
   * email was not sent again, to avoid a duplicate.
   */
  OutcomeUnknown: 'outcome_unknown',
  /** The command could not be handled (e.g. every delivery failed) and became a dead letter. */
  DeadLettered: 'dead_lettered',
} as const;
