import { Module } from '@nestjs/common';
import { LeadImportsModule } from '../imports/lead-imports.module';
import { RoutingConfigModule } from '../routing/routing-config.module';
import { IngestLockRepository } from './ingest-lock.repository';
import { LeadEventRepository } from './lead-event.repository';
import { LeadIngestMessageController } from './lead-ingest.message-controller';
import { LeadIngestService } from './lead-ingest.service';
import { LeadRecordsService } from './lead-records.service';
import { LeadRepository } from './lead.repository';
import { LeadScoreMessageController } from './lead-score.message-controller';
import { LeadScoreService } from './lead-score.service';
import { LeadsMessageController } from './leads.message-controller';
import { LeadsQueryService } from './leads-query.service';
import { OrganizationRepository } from './organization.repository';

@Module({
  imports: [RoutingConfigModule, LeadImportsModule],
  controllers: [LeadIngestMessageController, LeadScoreMessageController, LeadsMessageController],
  providers: [
    IngestLockRepository,
    LeadRepository,
    OrganizationRepository,
    LeadEventRepository,
    LeadIngestService,
    LeadScoreService,
    LeadsQueryService,
    LeadRecordsService,
  ],
  exports: [LeadRepository, OrganizationRepository, LeadEventRepository, LeadRecordsService],
})
export class LeadsModule {}
