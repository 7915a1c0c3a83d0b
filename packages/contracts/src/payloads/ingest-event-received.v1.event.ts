import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { EVENT_SOURCES, type EventSource } from '../enums';
import { LEAD_IDENTIFIER_KEYS, LeadIdentifier } from './lead-identifier';
import { HasAnyOf } from '../validators';

/**
 * A producer event accepted by the gateway and made durable on INGEST.
 * `event_id` is the CRM uuid (the producer's id, or its UUIDv5); `(source, event_id)` is unique in leads.
 */
export class IngestEventReceivedV1 {
  @IsUUID() event_id: string;
  @IsOptional() @IsString() @MaxLength(128) producer_event_id: string | null;
  @IsString() @MaxLength(100) event_type: string;
  @IsOptional() @IsString() @MaxLength(50) event_category: string | null;
  @IsIn(EVENT_SOURCES) source: EventSource;
  @IsISO8601() occurred_at: string;
  @IsISO8601() received_at: string;

  @IsDefined()
  @HasAnyOf(LEAD_IDENTIFIER_KEYS)
  @ValidateNested()
  @Type(() => LeadIdentifier)
  lead_identifier: LeadIdentifier;

  @IsObject() metadata: Record<string, unknown>;
  @IsOptional() @IsString() campaign_id: string | null;
  @IsOptional() @IsString() utm_source: string | null;
  @IsOptional() @IsString() utm_medium: string | null;
  @IsOptional() @IsString() utm_campaign: string | null;
}
