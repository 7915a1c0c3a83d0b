import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Subjects, type CituroBookingEventV1, type MessageEnvelope } from '@crm/contracts';
import { OnEvent } from '@crm/messaging';
import { CituroBookingService } from './cituro-booking.service';

@Controller()
export class CituroBookingMessageController {
  constructor(private readonly bookings: CituroBookingService) {}

  @OnEvent(Subjects.CituroBookingCreated)
  created(@Payload() envelope: MessageEnvelope<CituroBookingEventV1>): Promise<void> {
    return this.bookings.bookingCreated(envelope.data);
  }

  @OnEvent(Subjects.CituroBookingCanceled)
  canceled(@Payload() envelope: MessageEnvelope<CituroBookingEventV1>): Promise<void> {
    return this.bookings.bookingCanceled(envelope.data);
  }
}
