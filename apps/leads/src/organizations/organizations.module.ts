import { Module } from '@nestjs/common';
import { LeadsModule } from '../leads/leads.module';
import { OrganizationsMessageController } from './organizations.message-controller';
import { OrganizationsService } from './organizations.service';

/** Organizations (api.md §6); the repository is shared with ingest. */
@Module({
  imports: [LeadsModule],
  controllers: [OrganizationsMessageController],
  providers: [OrganizationsService],
  exports: [OrganizationsService],
})
export class OrganizationsModule {}
