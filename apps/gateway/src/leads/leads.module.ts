import { Module } from '@nestjs/common';
import { GdprModule } from '../gdpr/gdpr.module';
import { RoutingModule } from '../routing/routing.module';
import { ScoringModule } from '../scoring/scoring.module';
import { EventFeedController } from './event-feed.controller';
import { LeadsController } from './leads.controller';
import { LeadsService } from './leads.service';

@Module({
  imports: [ScoringModule, RoutingModule, GdprModule],
  controllers: [LeadsController, EventFeedController],
  providers: [LeadsService],
})
export class LeadsModule {}
