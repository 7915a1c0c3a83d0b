import { Type } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { WithActor } from './common';

/** A template key: lower-case words joined by `_` (e.g. `booking_invitation`). */
export const MAIL_TEMPLATE_KEY = /^[a-z][a-z0-9_]{0,99}$/;
const NOT_BLANK = /\S/;

/** A stored email template; `{VARIABLE}` placeholders are filled from a send-email command's `variables`. */
export interface MailTemplateView {
  key: string;
  name: string;
  description: string | null;
  subject: string;
  html: string;
  /** null: the text part is derived from the rendered HTML. */
  text: string | null;
  /** the `{VARIABLE}` names the template uses, sorted. */
  variables: string[];
  created_at: string;
  updated_at: string;
}

export interface MailTemplateListView {
  data: MailTemplateView[];
}

export class MailTemplateKeyQuery {
  @IsString()
  @Matches(MAIL_TEMPLATE_KEY, { message: 'key must be lower-case letters, digits and _' })
  key: string;
}

export class MailTemplateBody {
  @IsOptional() @IsString() @MaxLength(200) name?: string;
  @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @IsString() @Matches(NOT_BLANK, { message: 'subject must not be empty' }) @MaxLength(998) subject: string;
  @IsString() @Matches(NOT_BLANK, { message: 'html must not be empty' }) @MaxLength(200_000) html: string;
  @IsOptional() @IsString() @MaxLength(200_000) text?: string | null;
}

/** Creates the template with this key, or replaces its content. */
export class UpsertMailTemplateCommand extends WithActor {
  @IsString()
  @Matches(MAIL_TEMPLATE_KEY, { message: 'key must be lower-case letters, digits and _' })
  key: string;
  @ValidateNested() @Type(() => MailTemplateBody) body: MailTemplateBody;
}

/** Whether the mailer can send: it is configured (always, SMTP has a default) and its SMTP server answers. */
export interface MailerStatusView {
  configured: boolean;
  connected: boolean;
}

/** Codes of the mailer's own 400 answers (besides VALIDATION_ERROR for a malformed request). */
export const MailerErrorCodes = {
  /** The template is well-formed JSON but cannot be used (e.g. a line break in the subject). */
  TemplateInvalid: 'TEMPLATE_INVALID',
} as const;
