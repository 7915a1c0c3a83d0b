import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { EVENT_SOURCES, type EventSource } from '../enums';
import { LEAD_IDENTIFIER_KEYS, LeadIdentifier } from '../payloads/lead-identifier';
import { HasAnyOf, IsNotFutureBeyond, IsRfc3339, MaxJsonBytes } from '../validators';

export const INGEST_METADATA_MAX_BYTES = 64 * 1024;

/** Body of `POST /api/v1/events/ingest` (api.md §4.1). */
export class IngestEventRequest {
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9._:-]{1,128}$/) event_id?: string;
  @IsString() @Length(1, 100) event_type: string;
  @IsOptional() @IsString() @MaxLength(50) event_category?: string;
  @IsIn(EVENT_SOURCES) source: EventSource;
  @IsRfc3339() @IsNotFutureBeyond(3600) occurred_at: string;

  @IsDefined()
  @HasAnyOf(LEAD_IDENTIFIER_KEYS)
  @ValidateNested()
  @Type(() => LeadIdentifier)
  lead_identifier: LeadIdentifier;

  @IsOptional() @IsObject() @MaxJsonBytes(INGEST_METADATA_MAX_BYTES) metadata?: Record<string, unknown>;
  @IsOptional() @IsString() @MaxLength(100) campaign_id?: string;
  @IsOptional() @IsString() @MaxLength(100) utm_source?: string;
  @IsOptional() @IsString() @MaxLength(100) utm_medium?: string;
  @IsOptional() @IsString() @MaxLength(100) utm_campaign?: string;
  @IsOptional() @IsUUID() correlation_id?: string;
}
