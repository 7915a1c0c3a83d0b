import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@crm/service-kit';

/** Environment of the leads service (property names are the variable names, initialisers the defaults). */
export class LeadsConfig extends BaseServiceConfig {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) LEADS_PORT = 3001;
}
