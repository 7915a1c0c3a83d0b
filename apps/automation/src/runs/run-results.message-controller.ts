import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  Subjects,
  type CituroBookingInvitationFailedV1,
  type CituroBookingInvitationSentV1,
  type LeadsCreateTaskFailedV1,
  type LeadsTaskCreatedForCommandV1,
  type MailerEmailFailedV1,
  type MailerEmailSentV1,
  type MessageEnvelope,
  type MocoSyncFailedV1,
  type MocoSyncSucceededV1,
  type SlackMessageFailedV1,
  type SlackMessagePostedV1,
} from '@crm/contracts';
import { OnEvent } from '@crm/messaging';
import { RunResultsService } from './run-results.service';

type Failure = { idempotency_key: string; reference: string | null; attempts: number } & Pick<
  SlackMessageFailedV1,
  'error'
>;

/** Each executor's result events, translated into the outcome of one run command. */
@Controller()
export class RunResultsMessageController {
  constructor(private readonly results: RunResultsService) {}

  @OnEvent(Subjects.SlackMessagePosted)
  slackPosted(@Payload() { data }: MessageEnvelope<SlackMessagePostedV1>): Promise<void> {
    return this.succeeded(data, data.ts, { slack_ts: data.ts, channel: data.channel });
  }

  @OnEvent(Subjects.SlackMessageFailed)
  slackFailed(@Payload() { data }: MessageEnvelope<SlackMessageFailedV1>): Promise<void> {
    return this.failed(data);
  }

  @OnEvent(Subjects.MailerEmailSent)
  emailSent(@Payload() { data }: MessageEnvelope<MailerEmailSentV1>): Promise<void> {
    return this.succeeded(data, data.message_id, { email_message_id: data.message_id });
  }

  @OnEvent(Subjects.MailerEmailFailed)
  emailFailed(@Payload() { data }: MessageEnvelope<MailerEmailFailedV1>): Promise<void> {
    return this.failed(data);
  }

  @OnEvent(Subjects.CituroBookingInvitationSent)
  invitationSent(@Payload() { data }: MessageEnvelope<CituroBookingInvitationSentV1>): Promise<void> {
    return this.succeeded(data, data.customer_id, {
      cituro_customer_id: data.customer_id,
      booking_email_key: data.mail_idempotency_key,
    });
  }

  @OnEvent(Subjects.CituroBookingInvitationFailed)
  invitationFailed(@Payload() { data }: MessageEnvelope<CituroBookingInvitationFailedV1>): Promise<void> {
    return this.failed(data);
  }

  @OnEvent(Subjects.MocoSyncSucceeded)
  mocoSynced(@Payload() { data }: MessageEnvelope<MocoSyncSucceededV1>): Promise<void> {
    const ids = Object.entries(data.moco).filter(([, id]) => id !== null && id !== undefined);
    const main = mainMocoId(data);
    return this.succeeded(
      data,
      main === null ? null : String(main),
      Object.fromEntries(ids.map(([key, id]) => [`moco_${key}`, id])),
    );
  }

  @OnEvent(Subjects.MocoSyncFailed)
  mocoFailed(@Payload() { data }: MessageEnvelope<MocoSyncFailedV1>): Promise<void> {
    return this.failed(data);
  }

  @OnEvent(Subjects.LeadsCreateTaskSucceeded)
  taskCreated(@Payload() { data }: MessageEnvelope<LeadsTaskCreatedForCommandV1>): Promise<void> {
    return this.succeeded(data, data.task_id, { task_id: data.task_id });
  }

  @OnEvent(Subjects.LeadsCreateTaskFailed)
  taskFailed(@Payload() { data }: MessageEnvelope<LeadsCreateTaskFailedV1>): Promise<void> {
    return this.failed(data);
  }

  private succeeded(
    data: { idempotency_key: string; reference: string | null; attempts: number },
    externalId: string | null,
    result: Record<string, unknown>,
  ): Promise<void> {
    return this.results.applyOutcome({
      idempotency_key: data.idempotency_key,
      reference: data.reference ?? null,
      attempts: data.attempts,
      ok: true,
      external_id: externalId,
      result,
    });
  }

  private failed(data: Failure): Promise<void> {
    return this.results.applyOutcome({
      idempotency_key: data.idempotency_key,
      reference: data.reference ?? null,
      attempts: data.attempts,
      ok: false,
      error: data.error,
    });
  }
}

/** The MOCO record the operation was about: the deal for create_deal, the company for create_customer, … */
function mainMocoId(data: MocoSyncSucceededV1): number | null {
  const ids = data.moco;
  switch (data.operation) {
    case 'create_customer':
      return ids.company_id ?? null;
    case 'create_deal':
      return ids.deal_id ?? null;
    case 'create_offer':
      return ids.offer_id ?? null;
    case 'create_project':
      return ids.project_id ?? null;
    case 'create_invoice_draft':
      return ids.invoice_id ?? null;
  }
}
