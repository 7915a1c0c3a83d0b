import { Module } from '@nestjs/common';
import { LeadActivityModule } from '../activity/lead-activity.module';
import { DealsModule } from '../deals/deals.module';
import { LeadImportsModule } from '../imports/lead-imports.module';
import { LeadsModule } from '../leads/leads.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { TasksModule } from '../tasks/tasks.module';
import { GdprExportService } from './gdpr-export.service';
import { ErasureRepository } from './erasure.repository';
import { GdprMessageController } from './gdpr.message-controller';
import { GdprService } from './gdpr.service';

/** GDPR erasure (api.md §17): leads erases its own data and collects every other service's confirmation. */
@Module({
  imports: [
    LeadsModule,
    LeadActivityModule,
    DealsModule,
    OrganizationsModule,
    TasksModule,
    LeadImportsModule,
  ],
  controllers: [GdprMessageController],
  providers: [ErasureRepository, GdprService, GdprExportService],
})
export class GdprModule {}
