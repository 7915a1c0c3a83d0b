import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import {
  MocoDealSnapshot,
  MocoLeadSnapshot,
  MocoOrganizationSnapshot,
  MOCO_SYNC_OPERATIONS,
  type MocoSyncOperation,
} from '../payloads/moco.v1.messages';

/** api.md §15.2 `PUT /integrations/moco/config`. Secrets are write-only. */
export class UpdateMocoConfigBody {
  @IsOptional() @IsString() @MaxLength(255) api_key?: string;
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/i, { message: 'subdomain must be a MOCO account name' })
  subdomain?: string;
  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'base_url must be an http(s) URL' })
  @MaxLength(500)
  base_url?: string;
  /** The 32-hex keys of the registered MOCO hooks (external-apis.md 1.6). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[0-9a-f]{32}$/i, { each: true, message: 'webhook_keys must be 32-hex-char keys' })
  webhook_keys?: string[];
  @IsOptional() @IsBoolean() enabled?: boolean;
}

export interface MocoConfigView {
  subdomain: string | null;
  api_configured: boolean;
  webhook_configured: boolean;
  enabled: boolean;
}

export interface MocoStatusView {
  status: 'not_configured' | 'connected' | 'error';
  message: string;
  enabled: boolean;
  subdomain: string | null;
}

export class MocoCustomerQuery {
  @IsEmail() @MaxLength(320) email: string;
}

/** api.md §15.2 sync bodies. */
export class SyncMocoLeadBody {
  @IsIn(['create_customer']) action: 'create_customer';
  @IsOptional() @IsBoolean() force?: boolean;
}

export const MOCO_DEAL_ACTIONS = ['create_offer', 'create_invoice', 'create_deal', 'create_project'] as const;
export class SyncMocoDealBody {
  @IsIn(MOCO_DEAL_ACTIONS) action: (typeof MOCO_DEAL_ACTIONS)[number];
  @IsOptional() @IsBoolean() force?: boolean;
}

/** Gateway → moco: queue a sync command for this snapshot (422 INTEGRATION_NOT_CONFIGURED when unconfigured). */
export class RequestMocoSyncCommand {
  @IsIn(MOCO_SYNC_OPERATIONS) operation: MocoSyncOperation;
  @ValidateNested() @Type(() => MocoLeadSnapshot) lead: MocoLeadSnapshot;
  @IsOptional()
  @ValidateNested()
  @Type(() => MocoOrganizationSnapshot)
  organization: MocoOrganizationSnapshot | null;
  @IsOptional() @ValidateNested() @Type(() => MocoDealSnapshot) deal: MocoDealSnapshot | null;
  @IsBoolean() force: boolean;
  @IsOptional() @IsString() @MaxLength(255) reference?: string | null;
}

export interface MocoSyncQueuedView {
  command_id: string;
}

/** Gateway → moco: an inbound MOCO webhook, with the raw body the signature covers. */
export class ReceiveMocoWebhookCommand {
  @IsObject() headers: Record<string, string | undefined>;
  /** The raw request body, base64 (byte-exact for the HMAC). */
  @IsString() raw_body_base64: string;
}

export interface MocoWebhookReceipt {
  received: true;
  target: string;
  event: string;
  duplicate: boolean;
}

export class MocoGdprExportQuery {
  @IsUUID() lead_id: string;
}

export interface MocoMappingView {
  crm_type: string;
  crm_id: string;
  moco_type: string;
  moco_id: number;
  invoice_status: string | null;
  created_at: string;
}

export interface MocoGdprExportView {
  mappings: MocoMappingView[];
}
