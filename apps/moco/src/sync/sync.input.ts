import type { MocoSyncV1 } from '@crm/contracts';

/** One delivery of a sync command, as the use case needs it. */
export interface SyncInput {
  /** the command's idempotency key (its envelope id when the sender gave none). */
  idempotencyKey: string;
  command: MocoSyncV1;
  deliveryCount: number;
  isLastAttempt: boolean;
}
