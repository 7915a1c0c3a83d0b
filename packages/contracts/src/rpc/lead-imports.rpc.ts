import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { IsRfc3339 } from '../validators';
import { WithActor } from './common';
import { ListLeadsQuery } from './leads.rpc';

/**
 * Registers an import batch before its events are published (api.md §4.4), so `GET /leads/bulk/:batch_id` knows
 * it from the 202 on. Registering the same `batch_id` again (a retried request) changes nothing and answers the
 * first registration.
 */
export class RegisterLeadImportCommand extends WithActor {
  @IsUUID() batch_id: string;
  @IsString() @Length(1, 100) source: string;
  @IsOptional() @IsString() @MaxLength(100) campaign_id?: string | null;
  @IsInt() @Min(1) @Max(1000) total_leads: number;
  @IsBoolean() skip_duplicates: boolean;
  @IsBoolean() notify_on_complete: boolean;
  /** The requester's email, whom `notify_on_complete` is for (a member; an API key has none). */
  @IsOptional() @IsString() @MaxLength(255) requester_email?: string | null;
  @IsRfc3339() queued_at: string;
}

export interface RegisteredLeadImport {
  batch_id: string;
  /** When the batch was first registered (a retry answers the original). */
  queued_at: string;
}

export class GetLeadImportQuery {
  @IsUUID() batch_id: string;
}

export interface LeadImportErrorView {
  batch_index: number;
  email: string | null;
  code: string;
  message: string;
}

/** `GET /leads/bulk/:batch_id` (api.md §4.4). */
export interface LeadImportView {
  batch_id: string;
  source: string;
  status: 'queued' | 'processing' | 'completed';
  queued_at: string;
  completed_at: string | null;
  total_leads: number;
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  errors: LeadImportErrorView[];
}

/** Leads per export chunk: a chunk of lead views stays well below the NATS payload limit (1 MiB). */
export const LEAD_EXPORT_CHUNK_SIZE = 500;

/**
 * One chunk of `GET /leads/export` (api.md §5, added): the `GET /leads` filters, in id order after `cursor`.
 * Paging and sorting parameters are ignored.
 */
export class ExportLeadsQuery extends ListLeadsQuery {
  /** The id the chunk before ended at (internal to the export, not a `GET /leads` page cursor). */
  @IsOptional() @IsUUID() override cursor?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(LEAD_EXPORT_CHUNK_SIZE) chunk_size?: number;
}
