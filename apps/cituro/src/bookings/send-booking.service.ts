import { Injectable } from '@nestjs/common';
import { ErrorCode, Subjects, type VendorFailure } from '@crm/contracts';
import { Outbox, TransientError, type DeadLetteredMessage } from '@crm/messaging';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { CituroCallError } from '../cituro-client/cituro-client';
import { CituroAccess } from '../cituro-client/cituro-access';
import type { CituroSettings } from '../settings/cituro-settings';
import { SettingsService } from '../settings/settings.service';
import { bookingEmail, mailIdempotencyKeyOf } from './booking-email';
import { InvitationRepository } from './invitation.repository';
import type { SendBookingInput } from './send-booking.input';

/** The failure code of a command that became a dead letter (the same word Slack's results use). */
const DEAD_LETTERED = 'dead_lettered';

/**
 * Invites a lead to book a meeting (`cituro.cmd.send_booking.v1`), once per idempotency key: makes sure the
 * lead is a Cituro customer (stored mapping, else lookup before create), asks the mailer for the booking email
 * and reports `booking_invitation.sent` / `.failed`.
 *
 * Everything is written in the consumer's transaction (mapping, invitation row, mailer command and result via
 * the outbox), so a redelivery after a failure finds either nothing (and does it all again: the Cituro lookup
 * finds the customer made before) or the invitation (and only repeats the answer).
 */
@Injectable()
export class SendBookingService {
  private readonly log: Logger;

  constructor(
    private readonly invitations: InvitationRepository,
    private readonly settings: SettingsService,
    private readonly access: CituroAccess,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('send-booking');
  }

  async sendBooking(input: SendBookingInput): Promise<void> {
    const { idempotencyKey, command } = input;
    await this.invitations.lockKey(idempotencyKey);
    const previous = await this.invitations.findInvitation(idempotencyKey);
    if (previous) {
      this.log.info({ idempotency_key: idempotencyKey }, 'invitation already sent; result re-emitted');
      await this.publishSent(input, previous.customer_id, previous.attempts);
      return;
    }
    const settings = await this.settings.current();
    const missing = missingSetting(settings);
    if (missing) {
      await this.fail(input, {
        code: ErrorCode.IntegrationNotConfigured,
        message: `Cituro is not configured: ${missing}`,
        retryable: false,
        vendor_status: null,
      });
      return;
    }
    let customerId: string;
    try {
      customerId = await this.customerIdFor(input, settings);
    } catch (error) {
      await this.handleCituroFailure(input, error);
      return;
    }
    const mailKey = mailIdempotencyKeyOf(idempotencyKey);
    await this.outbox.publish(
      Subjects.MailerSendEmail,
      bookingEmail(command, settings.emailTemplateHtml, settings.bookingUrl!, idempotencyKey),
      { idempotencyKey: mailKey },
    );
    await this.invitations.recordInvitation({
      idempotency_key: idempotencyKey,
      lead_id: command.lead_id,
      deal_id: command.deal_id ?? null,
      customer_id: customerId,
      mail_idempotency_key: mailKey,
      reference: command.reference ?? null,
      attempts: input.deliveryCount,
    });
    await this.publishSent(input, customerId, input.deliveryCount);
    this.log.info(
      { idempotency_key: idempotencyKey, lead_id: command.lead_id, attempts: input.deliveryCount },
      'booking invitation sent to the mailer',
    );
  }

  /** A command that became a dead letter is reported as failed, so its requester does not wait forever. */
  async reportDeadLettered(letter: DeadLetteredMessage, maxDeliver: number): Promise<void> {
    const envelope = letter.envelope;
    const idempotencyKey = text(envelope?.idempotency_key) ?? text(envelope?.id);
    const data = (envelope?.data ?? {}) as Record<string, unknown>;
    const leadId = text(data.lead_id);
    if (!idempotencyKey || !leadId) {
      this.log.error(
        { reason: letter.reason },
        'dead-lettered command names no key or lead; nobody can be told',
      );
      return;
    }
    const exhausted = letter.reason === 'max_deliver_exceeded';
    await this.outbox.publish(Subjects.CituroBookingInvitationFailed, {
      idempotency_key: idempotencyKey,
      reference: text(data.reference),
      lead_id: leadId,
      deal_id: text(data.deal_id),
      error: {
        code: DEAD_LETTERED,
        message: `The command became a dead letter (${letter.reason}): ${letter.error}`.slice(0, 2000),
        retryable: exhausted,
        vendor_status: null,
      },
      attempts: exhausted ? maxDeliver : 1,
    });
  }

  private async customerIdFor(input: SendBookingInput, settings: CituroSettings): Promise<string> {
    const { command } = input;
    const mapped = await this.invitations.customerIdOfLead(command.lead_id);
    if (mapped) return mapped;
    const { customer, created } = await this.access.customersFor(settings)!.ensureCustomer({
      email: command.email,
      firstName: command.first_name ?? null,
      lastName: command.last_name ?? null,
    });
    await this.invitations.linkCustomer(command.lead_id, customer.id);
    this.log.info(
      { lead_id: command.lead_id, created },
      created ? 'cituro customer created' : 'cituro customer found',
    );
    return customer.id;
  }

  private async handleCituroFailure(input: SendBookingInput, error: unknown): Promise<void> {
    const failure =
      error instanceof CituroCallError
        ? error
        : new CituroCallError('transient', null, 'Cituro call failed unexpectedly');
    if (failure.retryable && !input.isLastAttempt) {
      this.log.warn(
        {
          idempotency_key: input.idempotencyKey,
          delivery: input.deliveryCount,
          vendor_status: failure.vendorStatus,
          retry_after_ms: failure.retryAfterMs,
        },
        'cituro call failed; will retry',
      );
      throw new TransientError(failure.message, {
        retryAfterMs: failure.retryAfterMs ?? undefined,
        cause: failure,
      });
    }
    await this.fail(input, {
      code: failure.kind === 'unauthorized' ? 'cituro_unauthorized' : ErrorCode.ExternalServiceError,
      message: failure.retryable
        ? `${failure.message}; gave up after ${input.deliveryCount} attempts`
        : failure.message,
      retryable: failure.retryable,
      vendor_status: failure.vendorStatus,
    });
  }

  private async publishSent(input: SendBookingInput, customerId: string, attempts: number): Promise<void> {
    await this.outbox.publish(Subjects.CituroBookingInvitationSent, {
      idempotency_key: input.idempotencyKey,
      reference: input.command.reference ?? null,
      lead_id: input.command.lead_id,
      deal_id: input.command.deal_id ?? null,
      customer_id: customerId,
      mail_idempotency_key: mailIdempotencyKeyOf(input.idempotencyKey),
      attempts: Math.max(1, attempts),
    });
  }

  private async fail(input: SendBookingInput, error: VendorFailure): Promise<void> {
    await this.outbox.publish(Subjects.CituroBookingInvitationFailed, {
      idempotency_key: input.idempotencyKey,
      reference: input.command.reference ?? null,
      lead_id: input.command.lead_id,
      deal_id: input.command.deal_id ?? null,
      error,
      attempts: input.deliveryCount,
    });
    this.log.warn(
      { idempotency_key: input.idempotencyKey, code: error.code, retryable: error.retryable },
      'booking invitation failed',
    );
  }
}

/** What keeps invitations from being sent, or null when nothing does. */
function missingSetting(settings: CituroSettings): string | null {
  if (!settings.enabled) return 'the integration is disabled';
  if (!settings.apiKey) return 'no API key is set';
  if (!settings.bookingUrl) return 'no booking_url is set';
  return null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}
