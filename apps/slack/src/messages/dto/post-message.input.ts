import type { SlackPostMessageV1 } from '@crm/contracts';

/** One delivery of a post-message command, as the use case needs it. */
export interface PostMessageInput {
  /** the command's idempotency key (its envelope id when the sender gave none). */
  idempotencyKey: string;
  command: SlackPostMessageV1;
  /** 1 for the first delivery of this command. */
  deliveryCount: number;
  /** true when this delivery is the last the queue will make. */
  isLastAttempt: boolean;
}
