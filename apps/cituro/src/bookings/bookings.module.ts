import { Module } from '@nestjs/common';
import { InvitationRepository } from './invitation.repository';
import { SendBookingDeadLetters } from './send-booking-dead-letters';
import { SendBookingMessageController } from './send-booking.message-controller';
import { SendBookingService } from './send-booking.service';

/** Booking invitations (`cituro.cmd.send_booking.v1`). */
@Module({
  controllers: [SendBookingMessageController],
  providers: [SendBookingService, SendBookingDeadLetters, InvitationRepository],
  exports: [InvitationRepository],
})
export class BookingsModule {}
