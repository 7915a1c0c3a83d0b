import { Module } from '@nestjs/common';
import { LeadEventRepository } from './lead-event.repository';
import { LeadEventsMessageController } from './lead-events.message-controller';
import { LeadIngestService } from './lead-ingest.service';
import { LeadRepository } from './lead.repository';
import { LeadScoreService } from './lead-score.service';
import { LeadsMessageController } from './leads.message-controller';
import { LeadsQueryService } from './leads-query.service';
import { OrganizationRepository } from './organization.repository';

@Module({
  controllers: [LeadEventsMessageController, LeadsMessageController],
  providers: [
    LeadRepository,
    OrganizationRepository,
    LeadEventRepository,
    LeadIngestService,
    LeadScoreService,
    LeadsQueryService,
  ],
  exports: [LeadRepository],
})
export class LeadsModule {}
