import type { CituroSendBookingV1 } from '@crm/contracts';

/** One delivery of a send-booking command, as the use case needs it. */
export interface SendBookingInput {
  /** the command's idempotency key (its envelope id when the sender gave none). */
  idempotencyKey: string;
  command: CituroSendBookingV1;
  /** 1 for the first delivery of this command. */
  deliveryCount: number;
  /** true when this delivery is the last the queue will make. */
  isLastAttempt: boolean;
}
