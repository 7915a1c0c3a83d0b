import { Module } from '@nestjs/common';
import { DealsModule } from '../deals/deals.module';
import { LeadsModule } from '../leads/leads.module';
import { PipelinesModule } from '../pipelines/pipelines.module';
import { TasksModule } from '../tasks/tasks.module';
import { TeamModule } from '../team/team.module';
import { RoutingCommandsMessageController } from './routing-commands.message-controller';
import { RoutingConfigModule } from './routing-config.module';
import { RoutingSweepRunner } from './routing-sweep.runner';
import { RoutingMessageController } from './routing.message-controller';
import { RoutingRepository } from './routing.repository';
import { RoutingService } from './routing.service';

/** Routing of leads into pipelines with an owner (api.md §11). */
@Module({
  imports: [LeadsModule, PipelinesModule, DealsModule, RoutingConfigModule, TasksModule, TeamModule],
  controllers: [RoutingMessageController, RoutingCommandsMessageController],
  providers: [RoutingRepository, RoutingService, RoutingSweepRunner],
})
export class RoutingModule {}
