import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { EVENT_SOURCES, type EventSource } from '../enums';

/** Leads stored a producer event against a lead; scoring scores it. */
export class LeadEventRecordedV1 {
  @IsUUID() event_id: string;
  @IsUUID() lead_id: string;
  @IsBoolean() lead_created: boolean;
  @IsString() @MaxLength(100) event_type: string;
  @IsOptional() @IsString() event_category: string | null;
  @IsIn(EVENT_SOURCES) source: EventSource;
  @IsISO8601() occurred_at: string;
  @IsObject() metadata: Record<string, unknown>;
  @IsOptional() @IsString() campaign_id: string | null;
}
