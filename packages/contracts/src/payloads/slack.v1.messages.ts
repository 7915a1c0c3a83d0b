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

/**
 * Error codes the slack service itself puts in SlackMessageFailedV1 (Slack's own codes, e.g. `channel_not_found`,
 * pass through as they are).
 */
export const SlackFailureCodes = {
  /**
   * Slack may have posted the message, but the service lost track of the answer and cannot check (incoming
   * webhooks), or could not find out: it did not post again, to avoid a duplicate. Look at the channel before
   * retrying.
   */
  OutcomeUnknown: 'outcome_unknown',
  /** The command could not be handled (e.g. every delivery failed) and became a dead letter. */
  DeadLettered: 'dead_lettered',
} as const;

export class SlackMessageFailedV1 {
  @IsString() idempotency_key: string;
  @IsOptional() @IsString() reference: string | null;
  @IsString() channel: string;
  @ValidateNested() @Type(() => VendorFailure) error: VendorFailure;
  @IsInt() @Min(1) attempts: number;
}
