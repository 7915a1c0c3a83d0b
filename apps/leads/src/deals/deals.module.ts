import { Module } from '@nestjs/common';
import { LeadsModule } from '../leads/leads.module';
import { PipelinesModule } from '../pipelines/pipelines.module';
import { TeamModule } from '../team/team.module';
import { DealRepository } from './deal.repository';
import { DealsMessageController } from './deals.message-controller';
import { DealsService } from './deals.service';

@Module({
  imports: [LeadsModule, PipelinesModule, TeamModule],
  controllers: [DealsMessageController],
  providers: [DealRepository, DealsService],
  exports: [DealsService, DealRepository],
})
export class DealsModule {}
