import { Injectable, type OnModuleInit } from '@nestjs/common';
import { consumersOf, MOCO_SYNC_OPERATIONS, Subjects, type MocoSyncOperation } from '@crm/contracts';
import { DeadLetterService, Outbox, type DeadLetteredMessage } from '@crm/messaging';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';

/** The code of a sync command that became a dead letter (every delivery failed, or it could not be read). */
export const SYNC_DEAD_LETTERED = 'dead_lettered';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The dead-letter entry point of sync commands: a command that dies there is reported as MocoSyncFailed, so
 * whoever asked for it is not left waiting. Runs in the transaction that records the dead letter.
 */
@Injectable()
export class SyncDeadLetters implements OnModuleInit {
  private readonly log: Logger;

  constructor(
    private readonly deadLetters: DeadLetterService,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('moco-sync-dead-letters');
  }

  /** Before the transport starts consuming (module init precedes it). */
  onModuleInit(): void {
    const consumer = consumersOf('moco').find((c) => c.subject === Subjects.MocoSync);
    if (!consumer) throw new Error('contracts define no moco consumer for sync commands');
    this.deadLetters.onDeadLettered(consumer.durable, (letter) => this.report(letter, consumer.maxDeliver));
  }

  private async report(letter: DeadLetteredMessage, maxDeliver: number): Promise<void> {
    const envelope = letter.envelope;
    const data = (envelope?.data ?? {}) as Record<string, unknown>;
    const key = text(envelope?.idempotency_key) ?? text(envelope?.id);
    const leadId = text((data.lead as Record<string, unknown> | undefined)?.id);
    const operation = data.operation as MocoSyncOperation;
    if (!key || !leadId || !UUID.test(leadId) || !MOCO_SYNC_OPERATIONS.includes(operation)) {
      this.log.error(
        { reason: letter.reason },
        'dead-lettered sync command names no requester; nobody can be told',
      );
      return;
    }
    const dealId = text((data.deal as Record<string, unknown> | undefined)?.id);
    const exhausted = letter.reason === 'max_deliver_exceeded';
    await this.outbox.publish(Subjects.MocoSyncFailed, {
      idempotency_key: key,
      reference: text(data.reference),
      operation,
      lead_id: leadId,
      deal_id: dealId && UUID.test(dealId) ? dealId : null,
      error: {
        code: SYNC_DEAD_LETTERED,
        message: `The command became a dead letter (${letter.reason}): ${letter.error}`.slice(0, 2000),
        retryable: exhausted,
        vendor_status: null,
      },
      attempts: exhausted ? maxDeliver : 1,
    });
  }
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}
