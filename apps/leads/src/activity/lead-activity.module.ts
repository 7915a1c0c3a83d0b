import { Module } from '@nestjs/common';
import { DealsModule } from '../deals/deals.module';
import { LeadImportsModule } from '../imports/lead-imports.module';
import { LeadsModule } from '../leads/leads.module';
import { TasksModule } from '../tasks/tasks.module';
import { CrmActivityMessageController } from './crm-activity.message-controller';
import { CrmActivityService } from './crm-activity.service';
import { LeadActivityMessageController } from './lead-activity.message-controller';
import { LeadActivityService } from './lead-activity.service';

@Module({
  imports: [LeadsModule, DealsModule, TasksModule, LeadImportsModule],
  controllers: [LeadActivityMessageController, CrmActivityMessageController],
  providers: [LeadActivityService, CrmActivityService],
  exports: [LeadActivityService],
})
export class LeadActivityModule {}
