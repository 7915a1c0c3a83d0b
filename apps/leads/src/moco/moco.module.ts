import { Module } from '@nestjs/common';
import { DealsModule } from '../deals/deals.module';
import { MocoDealClosedMessageController } from './moco-deal-closed.message-controller';
import { MocoDealClosedService } from './moco-deal-closed.service';

/** What leads does with MOCO's events (api.md §15.5). */
@Module({
  imports: [DealsModule],
  controllers: [MocoDealClosedMessageController],
  providers: [MocoDealClosedService],
})
export class MocoEventsModule {}
