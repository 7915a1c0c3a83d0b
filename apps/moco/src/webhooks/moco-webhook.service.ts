import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  Subjects,
  ValidationFailedError,
  type MocoWebhookReceipt,
  type ReceiveMocoWebhookCommand,
} from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { MocoSettingsService } from '../settings/moco-settings.service';
import { MappingRepository } from '../sync/mapping.repository';
import { WebhookReceiptRepository } from './webhook-receipt.repository';

/**
 * Inbound MOCO webhooks (api.md §15.5): `X-Moco-Signature` = hex HMAC-SHA256(key, raw body), checked against every
 * configured key; deduped on (target, event, body.id, body.updated_at); handled in the same transaction, so the 200
 * means it is committed.
 */
@Injectable()
export class MocoWebhookService {
  private readonly log: Logger;

  constructor(
    private readonly settings: MocoSettingsService,
    private readonly receipts: WebhookReceiptRepository,
    private readonly mappings: MappingRepository,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('moco-webhook');
  }

  async receive(command: ReceiveMocoWebhookCommand): Promise<MocoWebhookReceipt> {
    const { webhookKeys } = await this.settings.current();
    if (webhookKeys.length === 0) {
      throw new DomainError(ErrorCode.ServiceUnavailable, 'No MOCO webhook key is configured', 503);
    }
    const raw = Buffer.from(command.raw_body_base64, 'base64');
    const header = (name: string): string => command.headers[name]?.trim() ?? '';
    if (!webhookKeys.some((key) => signatureMatches(key, raw, header('x-moco-signature')))) {
      throw new DomainError(ErrorCode.InvalidSignature, 'The MOCO webhook signature does not match', 401);
    }
    const target = header('x-moco-target');
    const event = header('x-moco-event');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new ValidationFailedError([
        { path: 'body', message: 'The body is not JSON', code: 'invalid_json' },
      ]);
    }
    const fresh = await this.receipts.record({
      target,
      event,
      entityId: String(body.id ?? ''),
      updatedAt: String(body.updated_at ?? ''),
    });
    if (fresh) await this.handle(target, event, body);
    return { received: true, target, event, duplicate: !fresh };
  }

  private async handle(target: string, event: string, body: Record<string, unknown>): Promise<void> {
    const mocoId = Number(body.id);
    if (event !== 'update' || !Number.isInteger(mocoId)) return;
    if (target === 'Invoice' && typeof body.status === 'string') {
      const mapping = await this.mappings.setInvoiceStatus(mocoId, body.status);
      this.log.info(
        { moco_invoice_id: mocoId, status: body.status, mapped: mapping !== null },
        'invoice status stored',
      );
      // Paid once: a later update of a paid invoice (a note, a reminder) is no second payment.
      if (mapping?.crm_type === 'deal' && body.status === 'paid' && mapping.previous_status !== 'paid') {
        await this.outbox.publish(Subjects.MocoInvoicePaid, {
          deal_id: mapping.crm_id,
          lead_id: mapping.lead_id,
          moco_invoice_id: mocoId,
          identifier: typeof body.identifier === 'string' ? body.identifier : null,
          gross_total: typeof body.gross_total === 'number' ? body.gross_total : null,
          currency: typeof body.currency === 'string' ? body.currency : null,
          paid_at: paidAt(body),
        });
      }
      return;
    }
    if (target === 'Deal' && (body.status === 'won' || body.status === 'lost')) {
      const crm = await this.mappings.crmOf('deal', mocoId);
      if (crm?.crm_type !== 'deal') return;
      await this.outbox.publish(Subjects.MocoDealClosed, {
        deal_id: crm.crm_id,
        moco_deal_id: mocoId,
        status: body.status,
        occurred_at: new Date().toISOString(),
      });
    }
  }
}

/** MOCO's invoice carries no payment time in the documented fields: its `updated_at`, else now. */
function paidAt(body: Record<string, unknown>): string {
  const updated = typeof body.updated_at === 'string' ? new Date(body.updated_at) : null;
  return updated && !Number.isNaN(updated.getTime()) ? updated.toISOString() : new Date().toISOString();
}

function signatureMatches(key: string, raw: Buffer, signature: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
  const expected = createHmac('sha256', key).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}
