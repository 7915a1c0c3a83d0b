import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Min,
  ValidateNested,
} from 'class-validator';

/** The organization fields fit rules read (`organization.*`). */
export class LeadFitOrganization {
  @IsString() name: string;
  @IsOptional() @IsString() domain: string | null;
  @IsOptional() @IsString() industry: string | null;
  @IsOptional() @IsString() company_size: string | null;
  @IsOptional() @IsString() country: string | null;
}

/** The lead fields fit rules read (api.md §10 `field` rules), as they are after the change. */
export class LeadFitProfile {
  @IsOptional() @IsString() email: string | null;
  @IsOptional() @IsString() first_name: string | null;
  @IsOptional() @IsString() last_name: string | null;
  @IsOptional() @IsString() phone: string | null;
  @IsOptional() @IsString() job_title: string | null;
  @IsString() status: string;
  @IsString() lifecycle_stage: string;
  @IsOptional() @IsString() first_touch_source: string | null;
  @IsOptional() @IsString() linkedin_url: string | null;
  @IsOptional() @ValidateNested() @Type(() => LeadFitOrganization) organization: LeadFitOrganization | null;
}

/**
 * A lead was created, or a field fit rules read changed (its own or its organization's). Carries the whole
 * fit profile, so a consumer needs no other state; `profile_version` grows by one per lead with every change,
 * so a consumer applies only newer profiles whatever the delivery order.
 */
export class LeadProfileChangedV1 {
  @IsUUID() lead_id: string;
  @IsInt() @Min(1) profile_version: number;
  @IsBoolean() lead_created: boolean;
  @IsISO8601() changed_at: string;
  @ValidateNested() @Type(() => LeadFitProfile) profile: LeadFitProfile;
}
