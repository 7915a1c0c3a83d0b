import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Subjects, type CituroSendBookingV1, type MessageEnvelope } from '@crm/contracts';
import { MessageContext, OnEvent } from '@crm/messaging';
import { SendBookingService } from './send-booking.service';

@Controller()
export class SendBookingMessageController {
  constructor(private readonly sendBookings: SendBookingService) {}

  @OnEvent(Subjects.CituroSendBooking)
  handle(
    @Payload() envelope: MessageEnvelope<CituroSendBookingV1>,
    @Ctx() ctx: MessageContext,
  ): Promise<void> {
    return this.sendBookings.sendBooking({
      idempotencyKey: envelope.idempotency_key ?? envelope.id,
      command: envelope.data,
      deliveryCount: ctx.deliveryCount,
      isLastAttempt: ctx.isLastAttempt,
    });
  }
}
