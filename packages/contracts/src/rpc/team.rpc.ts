import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MEMBER_ROLES, type MemberRole } from '../enums';
import { PageQuery, toBoolean, WithActor } from './common';

export const TEAM_SORT_FIELDS = ['created_at', 'name', 'email', 'role', 'region', 'current_leads'] as const;

/** `GET /team` (api.md §14); default order `name asc`. */
export class ListTeamQuery extends PageQuery {
  @IsOptional() @IsIn(MEMBER_ROLES) role?: MemberRole;
  @IsOptional() @IsString() @MaxLength(50) region?: string;
  @IsOptional() @Transform(toBoolean) @IsBoolean() is_active?: boolean;
  @IsOptional() @IsString() @MaxLength(255) search?: string;
  @IsOptional() @IsIn(TEAM_SORT_FIELDS) sort_by?: (typeof TEAM_SORT_FIELDS)[number];
}

/** `POST /team` body. `password` (optional in api.md) belongs to the gateway's credentials, not to the member. */
export class CreateTeamMemberBody {
  @IsEmail() @MaxLength(255) email: string;
  @IsString() @Length(1, 255) name: string;
  @IsIn(MEMBER_ROLES) role: MemberRole;
  @IsOptional() @IsString() @MaxLength(50) region?: string | null;
  @IsOptional() @IsBoolean() is_active?: boolean;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1000) max_leads?: number;
  @IsOptional() @IsString() @MaxLength(512) avatar?: string | null;
}

/** `PATCH /team/:id` body: partial; `null` clears `region` and `avatar`. */
export class UpdateTeamMemberBody {
  @IsOptional() @IsEmail() @MaxLength(255) email?: string;
  @IsOptional() @IsString() @Length(1, 255) name?: string;
  @IsOptional() @IsIn(MEMBER_ROLES) role?: MemberRole;
  @IsOptional() @IsString() @MaxLength(50) region?: string | null;
  @IsOptional() @IsBoolean() is_active?: boolean;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1000) max_leads?: number;
  @IsOptional() @IsString() @MaxLength(512) avatar?: string | null;
}

export class CreateTeamMemberCommand extends WithActor {
  @ValidateNested() @Type(() => CreateTeamMemberBody) body: CreateTeamMemberBody;
}

export class UpdateTeamMemberCommand extends WithActor {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => UpdateTeamMemberBody) body: UpdateTeamMemberBody;
}

/** Delete, activate, deactivate. */
export class TeamMemberCommand extends WithActor {
  @IsUUID() id: string;
}

/**
 * From the gateway's registration: a member with the id its credentials already carry; the first member
 * registered is an active admin, later ones inactive bdrs until approved (api.md §3).
 */
export class RegisterTeamMemberCommand {
  @IsUUID() id: string;
  @IsEmail() @MaxLength(255) email: string;
  @IsString() @Length(1, 255) name: string;
  @IsOptional() @IsString() @MaxLength(512) avatar?: string | null;
  @IsIn(MEMBER_ROLES) role: MemberRole;
  @IsBoolean() is_active: boolean;
}
