import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { LeadImportsController } from './lead-imports.controller';
import { LeadImportsService } from './lead-imports.service';
import { LeadsExportService } from './leads-export.service';

@Module({
  imports: [EventsModule],
  controllers: [LeadImportsController],
  providers: [LeadImportsService, LeadsExportService],
})
export class LeadImportsModule {}
