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
