import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsISO31661Alpha2,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { MaxJsonBytes } from '../validators';
import { INGEST_METADATA_MAX_BYTES } from './ingest-event.request';

export const BULK_IMPORT_MAX_LEADS = 1000;
export const IMPORT_MESSAGE_MAX_LENGTH = 100_000;

/** One row of `POST /leads/bulk` (api.md §4.4). */
export class BulkImportLeadItem {
  @IsEmail() @MaxLength(255) email: string;
  @IsOptional() @IsString() @MaxLength(100) first_name?: string;
  @IsOptional() @IsString() @MaxLength(100) last_name?: string;
  @IsOptional() @IsString() @MaxLength(50) phone?: string;
  @IsOptional() @IsString() @MaxLength(150) job_title?: string;
  @IsOptional() @IsUrl({ require_tld: false }) @MaxLength(255) linkedin_url?: string;
  @IsOptional() @IsString() @MaxLength(255) company_name?: string;
  @IsOptional() @IsString() @MaxLength(255) company_domain?: string;
  @IsOptional() @IsString() @MaxLength(100) industry?: string;
  @IsOptional() @IsString() @MaxLength(50) company_size?: string;
  @IsOptional() @IsISO31661Alpha2() country?: string;
  @IsOptional() @IsString() @Length(1, 100) source?: string;
  @IsOptional() @IsString() @MaxLength(100) campaign_id?: string;
  @IsOptional() @IsString() @MaxLength(IMPORT_MESSAGE_MAX_LENGTH) message?: string;
  /** Kept with the import event, as ingest metadata is (same size limit). */
  @IsOptional() @IsObject() @MaxJsonBytes(INGEST_METADATA_MAX_BYTES) metadata?: Record<string, unknown>;
}

/** Body of `POST /leads/bulk` (api.md §4.4): one invalid item rejects the whole batch. */
export class BulkImportLeadsRequest {
  @IsDefined()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(BULK_IMPORT_MAX_LEADS)
  @ValidateNested({ each: true })
  @Type(() => BulkImportLeadItem)
  leads: BulkImportLeadItem[];

  @IsString() @Length(1, 100) source: string;
  @IsOptional() @IsString() @MaxLength(100) campaign_id?: string;
  @IsOptional() @IsBoolean() skip_duplicates?: boolean;
  @IsOptional() @IsBoolean() notify_on_complete?: boolean;
}
