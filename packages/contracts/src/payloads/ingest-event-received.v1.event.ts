import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
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
import { EVENT_SOURCES, type EventSource } from '../enums';
import { LEAD_IDENTIFIER_KEYS, LeadIdentifier } from './lead-identifier';
import { HasAnyOf } from '../validators';

/**
 * The import row an event stands for (`POST /leads/bulk`, api.md §4.4). Optional: only import events carry it;
 * consumers that do not care ignore it.
 */
export class IngestImportContext {
  @IsUUID() batch_id: string;
  /** The row's position in its request; with `batch_id` the row's identity (counted once). */
  @IsInt() @Min(0) batch_index: number;
  /** The import's label (item source, else batch source, e.g. `csv_import`): the lead's touch source. */
  @IsString() @MaxLength(100) source: string;
  /** true: a lead that already exists is left untouched; false: its empty fields are filled. */
  @IsBoolean() skip_duplicates: boolean;
  /** Becomes an imported note on the lead's timeline. */
  @IsOptional() @IsString() @MaxLength(100_000) message?: string;
}

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

  /** Only on events of a bulk import (`event_type` `lead_imported`, `source` `import`). */
  @IsOptional() @ValidateNested() @Type(() => IngestImportContext) import?: IngestImportContext;
}
