import { Injectable, type OnModuleInit } from '@nestjs/common';
import { consumersOf, Subjects } from '@crm/contracts';
import { DeadLetterService } from '@crm/messaging';
import { SendBookingService } from './send-booking.service';

/** A send-booking command that dies as a dead letter is reported as failed, so its requester stops waiting. */
@Injectable()
export class SendBookingDeadLetters implements OnModuleInit {
  constructor(
    private readonly deadLetters: DeadLetterService,
    private readonly sendBookings: SendBookingService,
  ) {}

  onModuleInit(): void {
    const consumer = consumersOf('cituro').find((c) => c.subject === Subjects.CituroSendBooking);
    if (!consumer) throw new Error('contracts define no cituro consumer for send-booking commands');
    this.deadLetters.onDeadLettered(consumer.durable, (letter) =>
      this.sendBookings.reportDeadLettered(letter, consumer.maxDeliver),
    );
  }
}
