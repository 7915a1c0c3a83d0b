import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { VendorFailure } from './slack.v1.messages';

/** What a sync command asks moco to create (api.md §15.2, product.md Integrations). */
export const MOCO_SYNC_OPERATIONS = [
  'create_customer',
  'create_deal',
  'create_offer',
  'create_project',
  'create_invoice_draft',
] as const;
export type MocoSyncOperation = (typeof MOCO_SYNC_OPERATIONS)[number];

/** The lead as the command needs it; moco never queries leads. */
export class MocoLeadSnapshot {
  @IsUUID() id: string;
  @IsOptional() @IsEmail() @MaxLength(320) email: string | null;
  @IsOptional() @IsString() @MaxLength(255) first_name: string | null;
  @IsOptional() @IsString() @MaxLength(255) last_name: string | null;
  @IsOptional() @IsString() @MaxLength(100) phone: string | null;
  @IsOptional() @IsString() @MaxLength(255) job_title: string | null;
}

export class MocoOrganizationSnapshot {
  @IsUUID() id: string;
  @IsString() @MaxLength(255) name: string;
  @IsOptional() @IsString() @MaxLength(255) website?: string | null;
  @IsOptional() @IsString() @Matches(/^[A-Za-z]{2}$/) country_code?: string | null;
}

export class MocoDealSnapshot {
  @IsUUID() id: string;
  @IsString() @MaxLength(255) name: string;
  @IsOptional() @IsNumber() value: number | null;
  @IsString() @Matches(/^[A-Z]{3}$/) currency: string;
  @IsOptional() @IsString() expected_close_date: string | null;
}

/**
 * What a stage trigger's config sets on the records it creates (api.md §9 `create_moco_*`); anything left out
 * takes the CRM record's value or moco's default. Applied when a record is created, never to one found existing.
 */
export class MocoSyncOptions {
  @IsOptional() @IsString() @MaxLength(255) customer_name?: string;
  @IsOptional() @IsString() @MaxLength(255) name?: string;
  @IsOptional() @IsNumber() @Min(0) money?: number;
  @IsOptional() @IsInt() @Min(1) deal_category_id?: number;
  @IsOptional() @IsInt() @Min(1) user_id?: number;
  @IsOptional() @IsString() @MaxLength(255) project_name?: string;
  @IsOptional() @IsInt() @Min(1) leader_id?: number;
  @IsOptional() @IsString() @MaxLength(255) title?: string;
  @IsOptional() @IsNumber() @Min(0) @Max(100) tax?: number;
  @IsOptional() @IsInt() @Min(0) @Max(365) due_days?: number;
  @IsOptional() @IsString() @MaxLength(255) item_title?: string;
  @IsOptional() @IsNumber() @Min(0) unit_price?: number;
  @IsOptional() @IsString() @MaxLength(1000) recipient_address?: string;
}

/**
 * Command: create the customer (company + contact), deal, offer, project or invoice draft in MOCO for a lead or
 * deal. Self-contained (carries the snapshot it needs). Redelivered or retried, it never creates a second MOCO
 * record: moco looks up before it creates and keeps the ids it got; `force` ignores the kept ids and looks up again.
 */
export class MocoSyncV1 {
  @IsIn(MOCO_SYNC_OPERATIONS) operation: MocoSyncOperation;
  @ValidateNested() @Type(() => MocoLeadSnapshot) lead: MocoLeadSnapshot;
  @IsOptional()
  @ValidateNested()
  @Type(() => MocoOrganizationSnapshot)
  organization: MocoOrganizationSnapshot | null;
  @IsOptional() @ValidateNested() @Type(() => MocoDealSnapshot) deal: MocoDealSnapshot | null;
  @IsBoolean() force: boolean;
  @IsOptional() @ValidateNested() @Type(() => MocoSyncOptions) options?: MocoSyncOptions | null;
  /** who asked, echoed in the result so the requester can correlate. */
  @IsOptional() @IsString() @MaxLength(255) reference?: string | null;
}

/** MOCO ids (integers) of what the sync created or found; null where the operation did not touch it. */
export class MocoSyncedIds {
  @IsOptional() @IsInt() company_id: number | null;
  @IsOptional() @IsInt() contact_id: number | null;
  @IsOptional() @IsInt() deal_id: number | null;
  @IsOptional() @IsInt() offer_id: number | null;
  @IsOptional() @IsInt() project_id: number | null;
  @IsOptional() @IsInt() invoice_id: number | null;
}

export class MocoSyncSucceededV1 {
  @IsString() idempotency_key: string;
  @IsOptional() @IsString() reference: string | null;
  @IsIn(MOCO_SYNC_OPERATIONS) operation: MocoSyncOperation;
  @IsUUID() lead_id: string;
  @IsOptional() @IsUUID() deal_id: string | null;
  @ValidateNested() @Type(() => MocoSyncedIds) moco: MocoSyncedIds;
  @IsInt() @Min(1) attempts: number;
}

export class MocoSyncFailedV1 {
  @IsString() idempotency_key: string;
  @IsOptional() @IsString() reference: string | null;
  @IsIn(MOCO_SYNC_OPERATIONS) operation: MocoSyncOperation;
  @IsUUID() lead_id: string;
  @IsOptional() @IsUUID() deal_id: string | null;
  @ValidateNested() @Type(() => VendorFailure) error: VendorFailure;
  @IsInt() @Min(1) attempts: number;
}

/**
 * A MOCO deal mapped to a CRM deal was set to won or lost in MOCO (webhook, api.md §15.5); leads may close the CRM
 * deal if it is still open.
 */
export class MocoDealClosedV1 {
  @IsUUID() deal_id: string;
  @IsInt() moco_deal_id: number;
  @IsIn(['won', 'lost']) status: 'won' | 'lost';
  @IsISO8601() occurred_at: string;
}
