import { IsBoolean, IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';

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
