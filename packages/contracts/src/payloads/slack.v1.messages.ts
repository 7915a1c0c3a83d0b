import {
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';

/** Command: post one message. The envelope's idempotency_key makes a redelivered command post once. */
export class SlackPostMessageV1 {
  @IsString() @MaxLength(255) channel: string;
  @IsString() @MaxLength(40000) text: string;
  @IsOptional() @IsArray() blocks?: Record<string, unknown>[];
  /** who asked, echoed in the result so the requester can correlate (e.g. a trigger run id). */
  @IsOptional() @IsString() @MaxLength(255) reference?: string | null;
}

export class SlackMessagePostedV1 {
  @IsString() idempotency_key: string;
  @IsOptional() @IsString() reference: string | null;
  @IsString() channel: string;
  @IsOptional() @IsString() ts: string | null;
  @IsInt() @Min(1) attempts: number;
}

export class VendorFailure {
  @IsString() code: string;
  @IsString() message: string;
  @IsBoolean() retryable: boolean;
  @IsOptional() @IsInt() vendor_status: number | null;
}

export class SlackMessageFailedV1 {
  @IsString() idempotency_key: string;
  @IsOptional() @IsString() reference: string | null;
  @IsString() channel: string;
  @ValidateNested() @Type(() => VendorFailure) error: VendorFailure;
  @IsInt() @Min(1) attempts: number;
}
