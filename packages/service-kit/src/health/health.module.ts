import { Global, Module, type DynamicModule } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health.registry';

@Global()
@Module({})
export class HealthModule {
  /** `endpoints: false` for the gateway, which serves its own richer /health and /ready (api.md §2). */
  static forRoot(options: { endpoints: boolean } = { endpoints: true }): DynamicModule {
    return {
      module: HealthModule,
      controllers: options.endpoints ? [HealthController] : [],
      providers: [HealthRegistry],
      exports: [HealthRegistry],
    };
  }
}
