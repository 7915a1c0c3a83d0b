import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { IsRfc3339OrDate } from '../validators';

/** `GET /events` (api.md §4.3): the activity feed, newest first. */
export class ListEventsQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit: number = 50;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset: number = 0;
  @IsOptional() @IsUUID() lead_id?: string;
  @IsOptional() @IsString() @MaxLength(100) event_type?: string;
  @IsOptional() @IsString() @MaxLength(20) source?: string;
  @IsOptional() @IsString() @MaxLength(50) event_category?: string;
  @IsOptional() @IsRfc3339OrDate() occurred_after?: string;
  @IsOptional() @IsRfc3339OrDate() occurred_before?: string;
}

/** api.md §4.3 event; `id` is the CRM event id ingest answered with. */
export interface EventView {
  id: string;
  lead_id: string;
  event_type: string;
  event_category: string | null;
  source: string;
  occurred_at: string;
  received_at: string;
  metadata: Record<string, unknown>;
  correlation_id: string | null;
  campaign_id: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  score_points: number | null;
  score_category: string | null;
  processed_at: string | null;
  created_at: string;
  lead: { id: string; email: string | null; first_name: string | null; last_name: string | null } | null;
}

/** One entry of `GET /leads/:id/timeline`, newest first. */
export interface TimelineItemView {
  timeline_type: 'activity' | 'task' | 'stage_change' | 'note';
  id: string;
  created_at: string;
  [field: string]: unknown;
}
