import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@crm/service-kit';

/** Environment of the scoring service; property names are the variable names, initialisers the defaults. */
export class ScoringConfig extends BaseServiceConfig {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) SCORING_PORT = 3002;
}
