import { Module } from '@nestjs/common';
import { PipelinesModule } from '../pipelines/pipelines.module';
import { RoutingConfigModule } from '../routing/routing-config.module';
import { ReportsMessageController } from './reports.message-controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';

/** Reports over leads, deals and their stage history (api.md §18). */
@Module({
  imports: [PipelinesModule, RoutingConfigModule],
  controllers: [ReportsMessageController],
  providers: [ReportsRepository, ReportsService],
})
export class ReportsModule {}
