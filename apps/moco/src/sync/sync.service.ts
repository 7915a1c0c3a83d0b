import { Injectable } from '@nestjs/common';
import { ErrorCode, Subjects, type MocoSyncedIds, type MocoSyncV1, type VendorFailure } from '@crm/contracts';
import { Outbox, TransientError } from '@crm/messaging';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { MocoApiError, type MocoConnection } from '../moco-client/moco-api';
import { MocoSettingsService } from '../settings/moco-settings.service';
import { personName } from './moco-bodies';
import { MocoRecordsService } from './moco-records.service';
import type { SyncInput } from './sync.input';

const NO_IDS: MocoSyncedIds = {
  company_id: null,
  contact_id: null,
  deal_id: null,
  offer_id: null,
  project_id: null,
  invoice_id: null,
};

/**
 * Runs one `moco.cmd.sync.v1` and answers MocoSyncSucceeded (the MOCO ids) or MocoSyncFailed. Runs in the
 * consumer's transaction: mappings and the result commit together. A crash before that commit loses only the
 * mappings, and the redelivery finds the MOCO records by lookup, so it creates nothing twice.
 */
@Injectable()
export class SyncService {
  private readonly log: Logger;

  constructor(
    private readonly settings: MocoSettingsService,
    private readonly records: MocoRecordsService,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('moco-sync');
  }

  async sync(input: SyncInput): Promise<void> {
    const settings = await this.settings.current();
    if (!settings.enabled || !settings.connection) {
      await this.fail(input, {
        code: ErrorCode.IntegrationNotConfigured,
        message: settings.enabled ? 'MOCO is not configured' : 'MOCO is disabled',
        retryable: false,
        vendor_status: null,
      });
      return;
    }
    if (input.command.operation !== 'create_customer' && !input.command.deal) {
      await this.fail(input, {
        code: ErrorCode.ValidationError,
        message: `${input.command.operation} needs a deal`,
        retryable: false,
        vendor_status: null,
      });
      return;
    }
    let ids: MocoSyncedIds;
    try {
      ids = await this.run(settings.connection, input.command);
    } catch (error) {
      if (!(error instanceof MocoApiError)) throw error;
      if (error.retryable && !input.isLastAttempt) {
        this.log.warn(
          {
            idempotency_key: input.idempotencyKey,
            delivery: input.deliveryCount,
            vendor_status: error.vendorStatus,
          },
          'MOCO sync failed; will retry',
        );
        throw new TransientError(error.message, {
          retryAfterMs: error.retryAfterMs ?? undefined,
          cause: error,
        });
      }
      await this.fail(input, {
        code: ErrorCode.ExternalServiceError,
        message: error.message.slice(0, 2000),
        retryable: error.retryable,
        vendor_status: error.vendorStatus,
      });
      return;
    }
    await this.outbox.publish(Subjects.MocoSyncSucceeded, {
      idempotency_key: input.idempotencyKey,
      reference: input.command.reference ?? null,
      operation: input.command.operation,
      lead_id: input.command.lead.id,
      deal_id: input.command.deal?.id ?? null,
      moco: ids,
      attempts: input.deliveryCount,
    });
    this.log.info(
      {
        idempotency_key: input.idempotencyKey,
        operation: input.command.operation,
        attempts: input.deliveryCount,
      },
      'MOCO sync done',
    );
  }

  private async run(conn: MocoConnection, command: MocoSyncV1): Promise<MocoSyncedIds> {
    const { lead, organization, deal, force } = command;
    const options = command.options ?? {};
    const currency = deal?.currency ?? 'EUR';
    const company_id = await this.records.company(conn, lead, organization ?? null, currency, force, options);
    const contact_id = await this.records.contact(conn, lead, company_id, force);
    const ids: MocoSyncedIds = { ...NO_IDS, company_id, contact_id };
    if (command.operation === 'create_customer' || !deal) return ids;

    const recipient = [organization?.name, personName(lead)].filter(Boolean).join('\n');
    if (command.operation === 'create_invoice_draft') {
      ids.invoice_id = await this.records.invoiceDraft(
        conn,
        lead.id,
        deal,
        { companyId: company_id, recipient },
        force,
        options,
      );
      return ids;
    }
    ids.deal_id = await this.records.deal(
      conn,
      lead.id,
      deal,
      { companyId: company_id, personId: contact_id },
      force,
      options,
    );
    const refs = { companyId: company_id, mocoDealId: ids.deal_id };
    if (command.operation === 'create_offer') {
      ids.offer_id = await this.records.offer(conn, lead.id, deal, { ...refs, recipient }, force, options);
    } else if (command.operation === 'create_project') {
      ids.project_id = await this.records.project(conn, lead.id, deal, refs, force, options);
    }
    return ids;
  }

  private async fail(input: SyncInput, error: VendorFailure): Promise<void> {
    await this.outbox.publish(Subjects.MocoSyncFailed, {
      idempotency_key: input.idempotencyKey,
      reference: input.command.reference ?? null,
      operation: input.command.operation,
      lead_id: input.command.lead.id,
      deal_id: input.command.deal?.id ?? null,
      error,
      attempts: input.deliveryCount,
    });
    this.log.warn(
      { idempotency_key: input.idempotencyKey, code: error.code, vendor_status: error.vendor_status },
      'MOCO sync failed',
    );
  }
}
