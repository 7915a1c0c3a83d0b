import { Type } from 'class-transformer';
import {
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
import { PageQuery, WithActor } from './common';

export const ORGANIZATION_SORT_FIELDS = [
  'created_at',
  'updated_at',
  'name',
  'domain',
  'industry',
  'company_size',
  'country',
] as const;

/** `GET /organizations` (api.md §6); default order `created_at desc`. */
export class ListOrganizationsQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(255) search?: string;
  @IsOptional() @IsString() @MaxLength(255) domain?: string;
  @IsOptional() @IsString() @MaxLength(100) industry?: string;
  @IsOptional() @IsString() @MaxLength(50) company_size?: string;
  @IsOptional() @IsString() @Matches(/^[A-Za-z]{2}$/) country?: string;
  @IsOptional() @IsIn(ORGANIZATION_SORT_FIELDS) sort_by?: (typeof ORGANIZATION_SORT_FIELDS)[number];
}

/** `POST /organizations` body. */
export class CreateOrganizationBody {
  @IsString() @Length(1, 255) name: string;
  @IsOptional() @IsString() @MaxLength(255) domain?: string | null;
  @IsOptional() @IsString() @MaxLength(100) industry?: string | null;
  @IsOptional() @IsString() @MaxLength(50) company_size?: string | null;
  @IsOptional() @IsString() @Matches(/^[A-Za-z]{2}$/) country?: string | null;
  @IsOptional() @IsString() @MaxLength(100) portal_id?: string | null;
  @IsOptional() @IsString() @MaxLength(50) moco_id?: string | null;
  @IsOptional() @IsObject() metadata?: Record<string, unknown>;
}

/** `PUT|PATCH /organizations/:id` body: partial; `null` clears every field but `name`. */
export class UpdateOrganizationBody {
  @IsOptional() @IsString() @Length(1, 255) name?: string;
  @IsOptional() @IsString() @MaxLength(255) domain?: string | null;
  @IsOptional() @IsString() @MaxLength(100) industry?: string | null;
  @IsOptional() @IsString() @MaxLength(50) company_size?: string | null;
  @IsOptional() @IsString() @Matches(/^[A-Za-z]{2}$/) country?: string | null;
  @IsOptional() @IsString() @MaxLength(100) portal_id?: string | null;
  @IsOptional() @IsString() @MaxLength(50) moco_id?: string | null;
  @IsOptional() @IsObject() metadata?: Record<string, unknown>;
}

export class CreateOrganizationCommand extends WithActor {
  @ValidateNested() @Type(() => CreateOrganizationBody) body: CreateOrganizationBody;
}

export class UpdateOrganizationCommand extends WithActor {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => UpdateOrganizationBody) body: UpdateOrganizationBody;
}

/** api.md §6 organization. */
export interface OrganizationView {
  id: string;
  name: string;
  domain: string | null;
  industry: string | null;
  company_size: string | null;
  country: string | null;
  portal_id: string | null;
  moco_id: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}
