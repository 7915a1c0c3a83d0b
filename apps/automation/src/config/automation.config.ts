import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@crm/service-kit';

/** Environment of the automation service (architecture.md, Configuration). */
export class AutomationConfig extends BaseServiceConfig {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) AUTOMATION_PORT = 3003;
}
