import { Module } from '@nestjs/common';
import { LeadsModule } from '../leads/leads.module';
import { ErasureRepository } from './erasure.repository';
import { GdprMessageController } from './gdpr.message-controller';
import { GdprService } from './gdpr.service';

/** GDPR erasure (api.md §17): leads erases its own data and collects every other service's confirmation. */
@Module({
  imports: [LeadsModule],
  controllers: [GdprMessageController],
  providers: [ErasureRepository, GdprService],
})
export class GdprModule {}
