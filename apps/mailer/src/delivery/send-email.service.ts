import { Inject, Injectable } from '@nestjs/common';
import { MailerFailureCodes, Subjects } from '@crm/contracts';
import { Outbox, TransientError, type DeadLetteredMessage } from '@crm/messaging';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { MailerConfig } from '../config/mailer.config';
import { smtpSettingsOf } from '../config/smtp-settings';
import { MailTemplatesService } from '../templates/mail-templates.service';
import { renderEmail, type RenderedEmail } from '../templates/render-email';
import type { SendEmailInput } from './dto/send-email.input';
import type { EmailDeliveryEntity } from './email-delivery.entity';
import { EmailDeliveryRepository, type DeliveryFacts } from './email-delivery.repository';
import { messageIdFor } from './message-id';
import { MAIL_TRANSPORT, SmtpDeliveryError, type MailTransport } from './smtp/mail-transport';

interface Failure {
  status: 'failed' | 'bounced';
  code: string;
  message: string;
  retryable: boolean;
  smtpStatus: number | null;
  smtpResponse: string | null;
}

/**
 * Sends one email per idempotency key and tells the requester how it went (MailerEmailSent / MailerEmailFailed).
 *
 * The handler runs in the consumer's transaction, which commits the result event with the delivery row. The
 * attempt itself is recorded (`sending`) in a commit of its own BEFORE the SMTP server is called. SMTP offers no
 * way to ask whether a message arrived, so a redelivered command that finds such a row left `sending` (the process
 * stopped, or the database failed after the send) does not send again: it reports `outcome_unknown`, and a new
 * command for the key (a deliberate retry) sends. A duplicate is the worse outcome for a customer-facing email.
 */
@Injectable()
export class SendEmailService {
  private readonly log: Logger;
  private readonly fromDomain: string;

  constructor(
    private readonly deliveries: EmailDeliveryRepository,
    private readonly templates: MailTemplatesService,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    private readonly outbox: Outbox,
    config: MailerConfig,
    logger: AppLogger,
  ) {
    this.log = logger.child('send-email');
    this.fromDomain = smtpSettingsOf(config).fromDomain;
  }

  async sendEmail(input: SendEmailInput): Promise<void> {
    const { idempotencyKey } = input;
    await this.deliveries.lockKey(idempotencyKey);
    const previous = await this.deliveries.findByKey(idempotencyKey);

    if (previous?.status === 'sent') {
      // Already sent under this key: send nothing, but answer again so this requester learns it too.
      this.log.info(this.context(input), 'email already sent; result re-emitted');
      await this.publishSent(input, previous, Math.max(1, previous.attempts));
      return;
    }
    if (previous?.status === 'bounced') {
      // The address was refused for good; sending again would only bounce again.
      await this.fail(input, previous, failureOf(previous));
      return;
    }
    if (previous?.status === 'sending') {
      await this.fail(
        input,
        previous,
        unknownOutcome('an earlier attempt ended without recording its outcome'),
      );
      return;
    }
    // No row, or a `failed` one (an earlier command gave up; a new command is a retry): send.
    const rendered = await this.render(input);
    if (!rendered) return;
    await this.attempt(input, rendered);
  }

  /**
   * Announces a command that became a dead letter (every delivery failed, or it could not be read), so its
   * requester does not wait forever. Runs in the transaction that records the dead letter.
   */
  async reportDeadLettered(letter: DeadLetteredMessage, maxDeliver: number): Promise<void> {
    const envelope = letter.envelope;
    const idempotencyKey = text(envelope?.idempotency_key) ?? text(envelope?.id);
    if (!idempotencyKey) {
      this.log.error({ reason: letter.reason }, 'dead-lettered command has no id; no requester can be told');
      return;
    }
    const data = (envelope?.data ?? {}) as Record<string, unknown>;
    const exhausted = letter.reason === 'max_deliver_exceeded';
    await this.outbox.publish(Subjects.MailerEmailFailed, {
      idempotency_key: idempotencyKey,
      reference: text(data.reference),
      delivery_id: null,
      error: {
        code: MailerFailureCodes.DeadLettered,
        // The letter's error may quote the command (an address): only the reason goes out.
        message: `The command became a dead letter (${letter.reason})`,
        retryable: exhausted,
        vendor_status: null,
      },
      attempts: exhausted ? maxDeliver : 1,
    });
    this.log.warn(
      { idempotency_key: idempotencyKey, reason: letter.reason },
      'dead-lettered command reported',
    );
  }

  /** The email to send, or null when it cannot be rendered (the command has then failed). */
  private async render(input: SendEmailInput): Promise<RenderedEmail | null> {
    const { command } = input;
    if (command.template_key === undefined) {
      return renderEmail(
        { subject: command.subject ?? '', html: command.html ?? '', text: command.text ?? null },
        command.variables,
      );
    }
    const template = await this.templates.find(command.template_key);
    if (!template) {
      await this.fail(input, null, {
        status: 'failed',
        code: MailerFailureCodes.TemplateNotFound,
        message: `No mail template has the key '${command.template_key}'`,
        retryable: false,
        smtpStatus: null,
        smtpResponse: null,
      });
      return null;
    }
    // A text given with the command wins over the template's (e.g. a personal note).
    return renderEmail(
      { subject: template.subject, html: template.html, text: command.text ?? template.text },
      command.variables,
    );
  }

  private async attempt(input: SendEmailInput, rendered: RenderedEmail): Promise<void> {
    const facts = this.factsOf(input);
    const claimed = await this.deliveries.claimNow({
      ...facts,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
    });
    if (rendered.missing.length) {
      this.log.warn({ ...this.context(input), missing: rendered.missing }, 'placeholders without a variable');
    }
    let response: string;
    try {
      ({ response } = await this.transport.send({
        to: { address: input.command.to, name: input.command.to_name ?? null },
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        messageId: facts.messageId,
      }));
    } catch (error) {
      await this.handleSendFailure(input, claimed, asDeliveryError(error));
      return;
    }
    // Outside the try: a database failure here is not an SMTP failure; the redelivery finds the `sending` row.
    await this.deliveries.recordSent({ idempotencyKey: input.idempotencyKey, smtpResponse: response });
    await this.publishSent(input, claimed, claimed.attempts);
    this.log.info({ ...this.context(input), attempts: claimed.attempts }, 'email sent');
  }

  private async handleSendFailure(
    input: SendEmailInput,
    claimed: EmailDeliveryEntity,
    failure: SmtpDeliveryError,
  ): Promise<void> {
    if (failure.outcome === 'unknown') {
      await this.fail(input, claimed, unknownOutcome(failure.message));
      return;
    }
    if (failure.kind === 'bounced') {
      await this.fail(input, claimed, {
        status: 'bounced',
        code: MailerFailureCodes.RecipientRejected,
        message: failure.message,
        retryable: false,
        smtpStatus: failure.smtpStatus,
        smtpResponse: failure.response,
      });
      return;
    }
    if (failure.retryable && !input.isLastAttempt) {
      // Nothing was sent: say so now (throwing rolls the handler's transaction back), then let the queue retry.
      await this.deliveries.recordFailedNow({
        ...this.factsOf(input),
        ...this.record(transientFailure(failure)),
      });
      this.log.warn(
        { ...this.context(input), delivery: input.deliveryCount, smtp_status: failure.smtpStatus },
        'smtp send failed; will retry',
      );
      throw new TransientError(failure.message, { cause: failure });
    }
    await this.fail(
      input,
      claimed,
      failure.retryable
        ? {
            ...transientFailure(failure),
            code: MailerFailureCodes.SmtpUnavailable,
            message: `${failure.message}; gave up after ${input.deliveryCount} attempts`,
          }
        : {
            status: 'failed',
            code: MailerFailureCodes.SmtpRejected,
            message: failure.message,
            retryable: false,
            smtpStatus: failure.smtpStatus,
            smtpResponse: failure.response,
          },
    );
  }

  private async publishSent(
    input: SendEmailInput,
    row: EmailDeliveryEntity,
    attempts: number,
  ): Promise<void> {
    await this.outbox.publish(Subjects.MailerEmailSent, {
      idempotency_key: input.idempotencyKey,
      reference: input.command.reference ?? null,
      delivery_id: row.id,
      message_id: row.message_id,
      attempts,
    });
  }

  /** Records the command's final failure and publishes it, both in the handler's transaction. */
  private async fail(
    input: SendEmailInput,
    previous: EmailDeliveryEntity | null,
    failure: Failure,
  ): Promise<void> {
    const row = await this.deliveries.recordFailed({ ...this.factsOf(input), ...this.record(failure) });
    await this.outbox.publish(Subjects.MailerEmailFailed, {
      idempotency_key: input.idempotencyKey,
      reference: input.command.reference ?? null,
      delivery_id: row.id,
      error: {
        code: failure.code,
        message: failure.message,
        retryable: failure.retryable,
        vendor_status: failure.smtpStatus,
      },
      attempts: Math.max(1, previous?.attempts ?? input.deliveryCount),
    });
    this.log.warn(
      { ...this.context(input), code: failure.code, status: failure.status, smtp_status: failure.smtpStatus },
      'email failed',
    );
  }

  private record(failure: Failure) {
    return {
      status: failure.status,
      code: failure.code,
      message: failure.message,
      smtpStatus: failure.smtpStatus,
      smtpResponse: failure.smtpResponse,
      retryable: failure.retryable,
    };
  }

  private factsOf(input: SendEmailInput): DeliveryFacts {
    const { command } = input;
    return {
      idempotencyKey: input.idempotencyKey,
      reference: command.reference ?? null,
      leadId: command.lead_id ?? null,
      templateKey: command.template_key ?? null,
      recipient: command.to,
      recipientName: command.to_name ?? null,
      messageId: messageIdFor(input.idempotencyKey, this.fromDomain),
    };
  }

  /** Log fields: never the address or the content (personal data). */
  private context(input: SendEmailInput) {
    return {
      idempotency_key: input.idempotencyKey,
      reference: input.command.reference ?? null,
      template_key: input.command.template_key ?? null,
    };
  }
}

function transientFailure(failure: SmtpDeliveryError): Failure {
  return {
    status: 'failed',
    code: MailerFailureCodes.SmtpUnavailable,
    message: failure.message,
    retryable: true,
    smtpStatus: failure.smtpStatus,
    smtpResponse: failure.response,
  };
}

function unknownOutcome(why: string): Failure {
  return {
    status: 'failed',
    code: MailerFailureCodes.OutcomeUnknown,
    message:
      `The email may have been sent (${why}); it was not sent again, to avoid a duplicate. ` +
      `Check with the recipient before retrying`,
    retryable: false,
    smtpStatus: null,
    smtpResponse: null,
  };
}

/** A stored final failure, reported again to a new command for the same key. */
function failureOf(row: EmailDeliveryEntity): Failure {
  return {
    status: row.status === 'bounced' ? 'bounced' : 'failed',
    code: row.error_code ?? MailerFailureCodes.RecipientRejected,
    message: row.error_message ?? 'The recipient was refused',
    retryable: false,
    smtpStatus: row.smtp_status,
    smtpResponse: row.smtp_response,
  };
}

function asDeliveryError(error: unknown): SmtpDeliveryError {
  // The transport throws nothing else; anything else is a bug in between, and the server may have been called.
  return error instanceof SmtpDeliveryError
    ? error
    : new SmtpDeliveryError('transient', null, null, 'SMTP send failed unexpectedly', 'unknown');
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}
