import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { SERVICE_NAMES } from '@crm/contracts';
import { BaseServiceConfig } from '@crm/service-kit';

/** Environment of the leads service (property names are the variable names, initialisers the defaults). */
export class LeadsConfig extends BaseServiceConfig {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) LEADS_PORT = 3001;
  /** How often leads stuck in the routing pool past `max_unrouted_days` are sent to manual review; 0 = never. */
  @Type(() => Number) @IsInt() @Min(0) @Max(86_400_000) LEADS_ROUTING_SWEEP_INTERVAL_MS = 3_600_000;
  /** The other services that hold data about a lead and must confirm a GDPR erasure (comma-separated). */
  @Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : value,
  )
  @IsIn(SERVICE_NAMES, { each: true })
  GDPR_ERASURE_SERVICES: string[] = [
    'scoring',
    'automation',
    'slack',
    'mailer',
    'webhooks',
    'cituro',
    'moco',
  ];
}
