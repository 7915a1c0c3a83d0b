import { Module } from '@nestjs/common';
import { PipelinesModule } from '../pipelines/pipelines.module';
import { RoutingConfigRepository } from './routing-config.repository';
import { RoutingConfigService } from './routing-config.service';

/** Routing settings on their own, so scoring's read model can check the gate without the router. */
@Module({
  imports: [PipelinesModule],
  providers: [RoutingConfigRepository, RoutingConfigService],
  exports: [RoutingConfigService],
})
export class RoutingConfigModule {}
