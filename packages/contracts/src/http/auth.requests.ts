import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

/** `POST /auth/register` (api.md §3). A `role` in the body is ignored: the first member is admin, later ones bdr. */
export class RegisterRequest {
  @IsEmail() @MaxLength(255) email: string;
  @IsString() @Length(8, 128) password: string;
  @IsString() @Length(1, 255) name: string;
  @IsOptional() @IsString() @MaxLength(512) avatar?: string | null;
}

/** `POST /auth/login`. */
export class LoginRequest {
  @IsString() @MaxLength(255) email: string;
  @IsString() @MaxLength(128) password: string;
}

/** `POST /auth/refresh`. */
export class RefreshRequest {
  @IsString() @Length(1, 200) refresh_token: string;
}

/** `POST /auth/logout`: one refresh token, or `all:true` for every session of the member. */
export class LogoutRequest {
  @IsOptional() @IsString() @Length(1, 200) refresh_token?: string;
  @IsOptional() @IsBoolean() all?: boolean;
}

/** A 6-digit TOTP code as an authenticator app shows it (api.md §3). */
const TOTP_CODE = /^\d{6}$/;
const TOTP_CODE_MESSAGE = '$property must be the 6-digit code of the authenticator app';

/** `POST /auth/2fa/verify`: the first code of the secret from `2fa/setup` switches 2FA on. */
export class TwoFactorVerifyRequest {
  @IsString() @Matches(TOTP_CODE, { message: TOTP_CODE_MESSAGE }) token: string;
}

/** `POST /auth/2fa/validate`: the second sign-in step. A legacy `userId` in the body is ignored. */
export class TwoFactorValidateRequest {
  @IsString() @Length(1, 200) challenge_token: string;
  @IsString() @Matches(TOTP_CODE, { message: TOTP_CODE_MESSAGE }) token: string;
}

/** `POST /auth/2fa/disable`: both factors again. */
export class TwoFactorDisableRequest {
  @IsString() @MaxLength(128) password: string;
  @IsString() @Matches(TOTP_CODE, { message: TOTP_CODE_MESSAGE }) token: string;
}

/** `POST /api-keys` (api.md §3.1, admins): an API key, or a signing secret for signed ingest (§4.2). */
export class CreateApiKeyRequest {
  @IsString() @Length(1, 100) name: string;
  @IsOptional() @IsIn(['api_key', 'signing_secret']) kind?: 'api_key' | 'signing_secret';
  @IsString() @Length(1, 50) source: string;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  allowed_sources?: string[];
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(['events:write', 'read', 'write'], { each: true })
  scopes?: ('events:write' | 'read' | 'write')[];
  @IsOptional() @IsISO8601({ strict: true }) expires_at?: string | null;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) rate_limit_per_minute?: number | null;
}

/** `POST /api-keys/:id/rotate`: the old key keeps working for `grace_seconds`. */
export class RotateApiKeyRequest {
  @IsOptional() @IsInt() @Min(0) @Max(30 * 24 * 3600) grace_seconds?: number;
}
