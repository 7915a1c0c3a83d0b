import { Module } from '@nestjs/common';
import { BookingsModule } from '../bookings/bookings.module';
import { BookingRepository } from './booking.repository';
import { WebhookMessageController } from './webhook.message-controller';
import { WebhookService } from './webhook.service';

/** The inbound Cituro webhook (api.md §15.4). */
@Module({
  imports: [BookingsModule],
  controllers: [WebhookMessageController],
  providers: [WebhookService, BookingRepository],
  exports: [BookingRepository],
})
export class WebhooksModule {}
