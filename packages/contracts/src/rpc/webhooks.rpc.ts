import { Transform, Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsRfc3339OrDate } from '../validators';
import { PageQuery, toBoolean } from './common';

/** api.md §19: the event types a subscription may name (`*` means all of them). */
export const WEBHOOK_EVENT_TYPES = [
  'lead.created',
  'lead.updated',
  'lead.scored',
  'lead.intent_detected',
  'lead.routed',
  'lead.manual_review',
  'lead.erased',
  'lead_import.completed',
  'deal.created',
  'deal.assigned',
  'deal.stage_changed',
  'deal.won',
  'deal.lost',
  'deal.reopened',
  'deal.deleted',
  'task.created',
  'task.completed',
  'booking.created',
  'booking.canceled',
  'invoice.paid',
  'trigger_run.failed',
  'webhook.test',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export const ALL_WEBHOOK_EVENTS = '*';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'exhausted'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];
/** A subscription holds at most this many static headers (api.md §16). */
export const MAX_WEBHOOK_HEADERS = 10;

/** `POST /webhooks` (api.md §16). URL policy (https, SSRF) is checked by the webhooks service. */
export class CreateWebhookBody {
  @IsString() @MaxLength(2048) url: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn([...WEBHOOK_EVENT_TYPES, ALL_WEBHOOK_EVENTS], { each: true })
  event_types: string[];
  @IsOptional() @IsString() @MaxLength(255) description?: string | null;
  @IsOptional() @IsBoolean() is_active?: boolean;
  @IsOptional() @IsObject() headers?: Record<string, string>;
}

/** `PATCH /webhooks/:id`: any field of the create body. */
export class UpdateWebhookBody {
  @IsOptional() @IsString() @MaxLength(2048) url?: string;
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn([...WEBHOOK_EVENT_TYPES, ALL_WEBHOOK_EVENTS], { each: true })
  event_types?: string[];
  @IsOptional() @IsString() @MaxLength(255) description?: string | null;
  @IsOptional() @IsBoolean() is_active?: boolean;
  @IsOptional() @IsObject() headers?: Record<string, string>;
}

export class CreateWebhookCommand {
  @ValidateNested() @Type(() => CreateWebhookBody) body: CreateWebhookBody;
}

export class UpdateWebhookCommand {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => UpdateWebhookBody) body: UpdateWebhookBody;
}

export class ListWebhooksQuery extends PageQuery {
  @IsOptional() @Transform(toBoolean) @IsBoolean() is_active?: boolean;
}

export class ListWebhookDeliveriesQuery extends PageQuery {
  @IsOptional() @IsIn(WEBHOOK_DELIVERY_STATUSES) status?: WebhookDeliveryStatus;
  @IsOptional() @IsIn(WEBHOOK_EVENT_TYPES) event_type?: string;
  @IsOptional() @IsRfc3339OrDate() since?: string;
  @IsOptional() @IsRfc3339OrDate() until?: string;
}

export class ListWebhookDeliveriesCommand {
  @IsUUID() subscription_id: string;
  @ValidateNested() @Type(() => ListWebhookDeliveriesQuery) query: ListWebhookDeliveriesQuery;
}

/** `POST /webhooks/:id/redeliver`. */
export class RedeliverWebhooksBody {
  @IsIn(['failed', 'exhausted']) status: 'failed' | 'exhausted';
  @IsOptional() @IsRfc3339OrDate() since?: string;
  @IsOptional() @IsRfc3339OrDate() until?: string;
}

export class RedeliverWebhooksCommand {
  @IsUUID() subscription_id: string;
  @ValidateNested() @Type(() => RedeliverWebhooksBody) body: RedeliverWebhooksBody;
}

/** api.md §16 subscription. */
export interface WebhookSubscriptionView {
  id: string;
  url: string;
  description: string | null;
  event_types: string[];
  is_active: boolean;
  headers: Record<string, string>;
  disabled_reason: string | null;
  last_delivery_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The 201 of `POST /webhooks`: the only time the secret is shown. */
export interface CreatedWebhookView extends WebhookSubscriptionView {
  secret: string;
}

export interface RotatedWebhookSecretView {
  secret: string;
  previous_secret_expires_at: string;
}

export interface WebhookDeliveryView {
  id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  response_status: number | null;
  response_body_excerpt: string | null;
  duration_ms: number | null;
  error: string | null;
  created_at: string;
}

export interface WebhookAttemptView {
  attempted_at: string;
  response_status: number | null;
  duration_ms: number;
  error: string | null;
}

/** `GET /webhook-deliveries/:id`: `attempts` is the log here, not the count (api.md §16). */
export interface WebhookDeliveryDetailView extends Omit<WebhookDeliveryView, 'attempts'> {
  payload: unknown;
  attempts: WebhookAttemptView[];
}

export interface WebhooksGdprExportView {
  webhook_deliveries: number;
}
