import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@crm/service-kit';

/** Environment of the leads service (property names are the variable names, initialisers the defaults). */
export class LeadsConfig extends BaseServiceConfig {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) LEADS_PORT = 3001;
  /** How often leads stuck in the routing pool past `max_unrouted_days` are sent to manual review; 0 = never. */
  @Type(() => Number) @IsInt() @Min(0) @Max(86_400_000) LEADS_ROUTING_SWEEP_INTERVAL_MS = 3_600_000;
}
