import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Subjects, type MocoSyncQueuedView, type RequestMocoSyncCommand } from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { MocoSettingsService } from '../settings/moco-settings.service';

/**
 * Queues a sync command for the gateway (api.md §15.2): refused with 422 INTEGRATION_NOT_CONFIGURED when MOCO is
 * not configured, else published through the outbox; the command id is its envelope id and idempotency key.
 */
@Injectable()
export class SyncRequestService {
  constructor(
    private readonly settings: MocoSettingsService,
    private readonly outbox: Outbox,
  ) {}

  async request(command: RequestMocoSyncCommand): Promise<MocoSyncQueuedView> {
    await this.settings.requireConnection();
    const commandId = randomUUID();
    await this.outbox.publish(
      Subjects.MocoSync,
      {
        operation: command.operation,
        lead: command.lead,
        organization: command.organization ?? null,
        deal: command.deal ?? null,
        force: command.force,
        reference: command.reference ?? null,
      },
      { id: commandId, idempotencyKey: commandId },
    );
    return { command_id: commandId };
  }
}
