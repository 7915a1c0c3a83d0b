import { IsEmail, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';

export const LEAD_IDENTIFIER_KEYS = [
  'email',
  'portal_id',
  'waalaxy_id',
  'linkedin_url',
  'lemlist_id',
] as const;

/** The ways a producer can name a lead; identity resolution tries them in this order (product.md). */
export class LeadIdentifier {
  @IsOptional() @IsEmail() @MaxLength(255) email?: string;
  @IsOptional() @IsString() @MaxLength(100) portal_id?: string;
  @IsOptional() @IsString() @MaxLength(100) waalaxy_id?: string;
  @IsOptional() @IsUrl({ require_tld: false }) @MaxLength(255) linkedin_url?: string;
  @IsOptional() @IsString() @MaxLength(100) lemlist_id?: string;
}
