import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { VendorFailure } from './slack.v1.messages';

/**
 * Command: invite a lead to book a meeting (stage trigger `send_cituro_booking`, product.md Integrations). The
 * cituro service ensures the lead is a Cituro customer (lookup before create), then asks the mailer to send the
 * booking email. The envelope's idempotency_key makes a redelivered or retried command act once.
 */
export class CituroSendBookingV1 {
  @IsUUID() lead_id: string;
  @IsEmail() @MaxLength(320) email: string;
  @IsOptional() @IsString() @MaxLength(255) first_name?: string | null;
  @IsOptional() @IsString() @MaxLength(255) last_name?: string | null;
  @IsOptional() @IsString() @MaxLength(255) company?: string | null;
  @IsOptional() @IsUUID() deal_id?: string | null;
  /** The trigger's own subject and HTML (api.md §9 `email_subject`, `email_html`); else the stored template. */
  @IsOptional() @IsString() @MaxLength(998) email_subject?: string | null;
  @IsOptional() @IsString() @MaxLength(200_000) email_html?: string | null;
  /** who asked, echoed in the result so the requester can correlate (e.g. a trigger run id). */
  @IsOptional() @IsString() @MaxLength(255) reference?: string | null;
}

export class CituroBookingInvitationSentV1 {
  @IsString() idempotency_key: string;
  @IsOptional() @IsString() reference: string | null;
  @IsUUID() lead_id: string;
  @IsOptional() @IsUUID() deal_id: string | null;
  /** The lead's Cituro customer (32 hex). */
  @IsString() customer_id: string;
  /** The idempotency key of the mailer command that sends the email. */
  @IsString() mail_idempotency_key: string;
  @IsInt() @Min(1) attempts: number;
}

export class CituroBookingInvitationFailedV1 {
  @IsString() idempotency_key: string;
  @IsOptional() @IsString() reference: string | null;
  @IsUUID() lead_id: string;
  @IsOptional() @IsUUID() deal_id: string | null;
  @ValidateNested() @Type(() => VendorFailure) error: VendorFailure;
  @IsInt() @Min(1) attempts: number;
}

export const CITURO_BOOKING_EVENT_TYPES = ['booking.created', 'booking.canceled'] as const;
export type CituroBookingEventType = (typeof CITURO_BOOKING_EVENT_TYPES)[number];

/**
 * api.md §15.4: a booking Cituro reported by webhook (`booking.created` / `booking.canceled`). Leads matches the
 * lead by `email` (the Cituro customer's), moves its open deal into `booking_stage_by_pipeline[pipeline_id]`
 * (created only) and creates a task for the owner.
 */
export class CituroBookingEventV1 {
  /** The webhook's dedupe key: its `eventId`, else the SHA-256 of its body. */
  @IsString() @MaxLength(255) event_id: string;
  @IsIn(CITURO_BOOKING_EVENT_TYPES) event_type: CituroBookingEventType;
  @IsUUID() booking_id: string;
  @IsOptional() @IsString() customer_id: string | null;
  @IsOptional() @IsEmail() email: string | null;
  /** The lead mapped to the customer when cituro knows it (it invited them). */
  @IsOptional() @IsUUID() lead_id: string | null;
  /** Cituro's `data.appointment` as sent (start date, services), for the task text. */
  @IsOptional() @IsObject() appointment: Record<string, unknown> | null;
  /** The configured stage per pipeline a booking moves the deal into (api.md §15.3). */
  @IsObject() booking_stage_by_pipeline: Record<string, string>;
  @IsISO8601() received_at: string;
}
