import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { TRIGGER_ACTIONS, type TriggerAction } from '../enums';

export class TriggerRunFailure {
  @IsString() code: string;
  @IsString() message: string;
}

/**
 * api.md §19 `trigger_run.failed`: a trigger run ended failed. `final` is true when nothing will retry it
 * automatically (every executor has run out of deliveries); a manual retry may still follow.
 */
export class TriggerRunFailedV1 {
  @IsUUID() run_id: string;
  @IsOptional() @IsUUID() trigger_id: string | null;
  @IsIn(TRIGGER_ACTIONS) action: TriggerAction;
  @IsOptional() @IsUUID() stage_id: string | null;
  @IsOptional() @IsUUID() deal_id: string | null;
  @IsOptional() @IsUUID() lead_id: string | null;
  @IsInt() @Min(0) attempts: number;
  @ValidateNested() @Type(() => TriggerRunFailure) error: TriggerRunFailure;
  @IsBoolean() final: boolean;
}
