import type { MailerSendEmailV1 } from '@crm/contracts';

/** One delivery of a send-email command, as the use case needs it. */
export interface SendEmailInput {
  /** the command's idempotency key (its envelope id when the sender gave none). */
  idempotencyKey: string;
  command: MailerSendEmailV1;
  /** 1 for the first delivery of this command. */
  deliveryCount: number;
  /** true when this delivery is the last the queue will make. */
  isLastAttempt: boolean;
}
