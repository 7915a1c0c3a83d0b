import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
  IsUUID,
  IsBase64,
} from 'class-validator';
import { IsBookingTemplate, IsStageByPipeline } from './cituro.validators';
import { WithActor } from './common';

export type CituroIntegrationStatus = 'not_configured' | 'connected' | 'error';

/** api.md §15.3 `GET /integrations/cituro/status`. */
export interface CituroStatusView {
  status: CituroIntegrationStatus;
  message: string;
  enabled: boolean;
  /** Cituro serves every account from one host (external-apis.md §2.2): the base URL's host. */
  subdomain: string | null;
  booking_url_configured: boolean;
}

/** api.md §15.3 `GET|PUT /integrations/cituro/config`: secrets appear only as `*_configured` flags. */
export interface CituroConfigView {
  base_url: string;
  api_configured: boolean;
  webhook_configured: boolean;
  booking_url: string | null;
  service_id: string | null;
  enabled: boolean;
  booking_stage_by_pipeline: Record<string, string>;
}

const HTTP_URL = /^https?:\/\/[^\s]+$/;

/**
 * api.md §15.3 config body: every field optional (PUT is partial); `null` clears a nullable one. An empty body
 * is refused by the service (400), as for MOCO's config.
 */
export class UpdateCituroConfigBody {
  @IsOptional() @IsString() @MaxLength(500) api_key?: string | null;
  @IsOptional()
  @Matches(HTTP_URL, { message: 'base_url must be an http(s) URL' })
  @MaxLength(500)
  base_url?: string;
  @IsOptional()
  @Matches(/^whs_\S+$/, { message: 'webhook_secret must be a Cituro webhook secret (whs_…)' })
  @MaxLength(500)
  webhook_secret?: string | null;
  @IsOptional()
  @Matches(HTTP_URL, { message: 'booking_url must be an http(s) URL' })
  @MaxLength(2000)
  booking_url?: string | null;
  @IsOptional() @IsString() @MaxLength(255) service_id?: string | null;
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsStageByPipeline() booking_stage_by_pipeline?: Record<string, string>;
}

export class UpdateCituroConfigCommand extends WithActor {
  @ValidateNested() @Type(() => UpdateCituroConfigBody) body: UpdateCituroConfigBody;
}

/** api.md §15.3 `GET /integrations/cituro/template`. */
export interface CituroTemplateView {
  email_template_html: string;
}

/** The booking email's HTML (api.md §15.3): ≤200 KB and contains `{BOOKING_LINK}`. */
export class UpdateCituroTemplateBody {
  @IsBookingTemplate() email_template_html: string;
}

export class UpdateCituroTemplateCommand extends WithActor {
  @ValidateNested() @Type(() => UpdateCituroTemplateBody) body: UpdateCituroTemplateBody;
}

/** The inbound webhook (api.md §15.4) as the gateway forwards it: the exact body bytes and the signature header. */
export class ReceiveCituroWebhookCommand {
  @IsBase64() @MaxLength(2_000_000) raw_body_base64: string;
  @IsOptional() @IsString() @MaxLength(4096) signature: string | null;
}

/** api.md §15.4 200 answer, sent once the booking and its event are committed. */
export interface CituroWebhookReceipt {
  received: true;
  event: string | null;
  duplicate: boolean;
}

export class CituroLeadQuery {
  @IsUUID() lead_id: string;
}

export interface CituroBookingExportView {
  event_id: string;
  event_type: string;
  customer_id: string | null;
  appointment: Record<string, unknown> | null;
  received_at: string;
}

/** Cituro's part of a GDPR export (api.md §17): `integrations.cituro`. */
export interface CituroGdprExportView {
  customer_id: string | null;
  bookings: CituroBookingExportView[];
}
