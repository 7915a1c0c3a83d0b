import { Injectable } from '@nestjs/common';
import {
  CITURO_BOOKING_EVENT_TYPES,
  DomainError,
  ErrorCode,
  Subjects,
  type CituroBookingEventType,
  type CituroWebhookReceipt,
  type ReceiveCituroWebhookCommand,
} from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { CituroAccess } from '../cituro-client/cituro-access';
import { InvitationRepository } from '../bookings/invitation.repository';
import type { CituroSettings } from '../settings/cituro-settings';
import { SettingsService } from '../settings/settings.service';
import { isValidCituroSignature } from './cituro-signature';
import { BookingRepository } from './booking.repository';
import { readWebhookPayload, type CituroWebhookPayload } from './webhook-payload';

const SUBJECT_OF: Record<
  CituroBookingEventType,
  typeof Subjects.CituroBookingCreated | typeof Subjects.CituroBookingCanceled
> = {
  'booking.created': Subjects.CituroBookingCreated,
  'booking.canceled': Subjects.CituroBookingCanceled,
};

/**
 * The inbound Cituro webhook (api.md §15.4): checks the signature, records a booking once per dedupe key and
 * publishes `booking.created` / `booking.canceled` through the outbox; the answer leaves after that commit.
 * Leads then moves the deal and creates the task.
 */
@Injectable()
export class WebhookService {
  private readonly log: Logger;

  constructor(
    private readonly settings: SettingsService,
    private readonly access: CituroAccess,
    private readonly bookings: BookingRepository,
    private readonly links: InvitationRepository,
    private readonly outbox: Outbox,
    private readonly tx: TransactionHost,
    logger: AppLogger,
  ) {
    this.log = logger.child('cituro-webhook');
  }

  async receive(command: ReceiveCituroWebhookCommand): Promise<CituroWebhookReceipt> {
    const settings = await this.settings.current();
    if (!settings.webhookSecret) {
      throw new DomainError(ErrorCode.ServiceUnavailable, 'No Cituro webhook secret is configured', 503, {
        service: 'cituro',
      });
    }
    const rawBody = Buffer.from(command.raw_body_base64, 'base64');
    if (!isValidCituroSignature(command.signature, rawBody, settings.webhookSecret, Date.now())) {
      throw new DomainError(
        ErrorCode.InvalidSignature,
        'The X-CITURO-SIGNATURE header is missing or invalid',
        401,
      );
    }
    const body = parseObject(rawBody);
    const payload = readWebhookPayload(body, rawBody);
    if (!isBookingEvent(payload.type)) {
      this.log.info({ event: payload.type }, 'cituro webhook of an unhandled type ignored');
      return { received: true, event: payload.type, duplicate: false };
    }
    const leadId = payload.customerId ? await this.links.leadIdOfCustomer(payload.customerId) : null;
    const email = payload.email ?? (leadId ? null : await this.customerEmail(settings, payload));
    const duplicate = await this.tx.transaction(() =>
      this.record(payload.type as CituroBookingEventType, payload, leadId, email, settings),
    );
    this.log.info({ event: payload.type, duplicate, lead_known: leadId !== null }, 'cituro webhook received');
    return { received: true, event: payload.type, duplicate };
  }

  /** Returns true when the event was already recorded (nothing is published again). */
  private async record(
    type: CituroBookingEventType,
    payload: CituroWebhookPayload,
    leadId: string | null,
    email: string | null,
    settings: CituroSettings,
  ): Promise<boolean> {
    const recorded = await this.bookings.recordOnce({
      dedupeKey: payload.dedupeKey,
      eventType: type,
      customerId: payload.customerId,
      leadId,
      appointment: payload.appointment,
    });
    if (!recorded) return true;
    await this.outbox.publish(
      SUBJECT_OF[type],
      {
        event_id: payload.dedupeKey,
        event_type: type,
        booking_id: recorded.id,
        customer_id: payload.customerId,
        email,
        lead_id: leadId,
        appointment: payload.appointment,
        booking_stage_by_pipeline: settings.bookingStageByPipeline,
        received_at: new Date(recorded.received_at).toISOString(),
      },
      { idempotencyKey: `cituro.booking:${payload.dedupeKey}` },
    );
    return false;
  }

  /**
   * The Cituro customer's email, which leads matches the lead by. A failed lookup answers 503 with nothing
   * recorded, so Cituro's redelivery (or a manual resend) can still be matched.
   */
  private async customerEmail(
    settings: CituroSettings,
    payload: CituroWebhookPayload,
  ): Promise<string | null> {
    if (!payload.customerId) return null;
    const customers = this.access.customersFor(settings);
    if (!customers) return null;
    try {
      return (await customers.getCustomer(payload.customerId))?.email ?? null;
    } catch (error) {
      this.log.warn({ err: error }, 'cituro customer lookup for a webhook failed');
      throw new DomainError(ErrorCode.ServiceUnavailable, 'Cituro could not be asked for the customer', 503, {
        service: 'cituro',
      });
    }
  }
}

function isBookingEvent(type: string | null): type is CituroBookingEventType {
  return (CITURO_BOOKING_EVENT_TYPES as readonly (string | null)[]).includes(type);
}

function parseObject(rawBody: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new DomainError(ErrorCode.InvalidJson, 'The webhook body is not JSON', 400);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DomainError(ErrorCode.InvalidJson, 'The webhook body is not a JSON object', 400);
  }
  return parsed as Record<string, unknown>;
}
