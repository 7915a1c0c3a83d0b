import { Module } from '@nestjs/common';
import { DealsModule } from '../deals/deals.module';
import { TasksModule } from '../tasks/tasks.module';
import { CituroBookingMessageController } from './cituro-booking.message-controller';
import { CituroBookingRepository } from './cituro-booking.repository';
import { CituroBookingService } from './cituro-booking.service';

/** Bookings made in Cituro move deals and create tasks (api.md §15.4). */
@Module({
  imports: [DealsModule, TasksModule],
  controllers: [CituroBookingMessageController],
  providers: [CituroBookingService, CituroBookingRepository],
})
export class CituroBookingsModule {}
