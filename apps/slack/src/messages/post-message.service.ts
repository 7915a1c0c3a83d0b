import { Injectable } from '@nestjs/common';
import { ErrorCode, Subjects } from '@crm/contracts';
import { Outbox, TransientError } from '@crm/messaging';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import type { PostMessageInput } from './dto/post-message.input';
import { blocksFor } from './message-blocks';
import { MessageLogRepository } from './message-log.repository';
import { SlackDeliveryError, type SlackClient } from './slack-client/slack-client';
import { SlackTargets } from './slack-client/slack-targets';

interface Failure {
  code: string;
  message: string;
  retryable: boolean;
  vendorStatus: number | null;
}

/**
 * Posts one message per idempotency key and tells the requester how it went (SlackMessagePosted /
 * SlackMessageFailed). Runs inside the consumer's transaction, so the log row and the result event commit
 * together; a transient failure rolls both back and the queue redelivers the command later.
 */
@Injectable()
export class PostMessageService {
  private readonly log: Logger;

  constructor(
    private readonly messageLog: MessageLogRepository,
    private readonly targets: SlackTargets,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('post-message');
  }

  async postMessage(input: PostMessageInput): Promise<void> {
    const { idempotencyKey, command } = input;
    const reference = command.reference ?? null;
    await this.messageLog.lockKey(idempotencyKey);
    const previous = await this.messageLog.findByKey(idempotencyKey);

    if (previous?.status === 'sent') {
      // Already posted under this key: post nothing, but answer again so this requester learns it too.
      this.log.info(
        { idempotency_key: idempotencyKey, reference },
        'message already sent; result re-emitted',
      );
      await this.outbox.publish(Subjects.SlackMessagePosted, {
        idempotency_key: idempotencyKey,
        reference,
        channel: previous.channel,
        ts: previous.vendor_ts,
        attempts: Math.max(1, previous.attempts),
      });
      return;
    }
    // A `failed` row means an earlier command with this key gave up; a new command (a retry) tries again.
    const earlierAttempts = previous?.attempts ?? 0;

    const client = this.targets.clientFor(command.channel);
    if (!client) {
      await this.fail(input, null, earlierAttempts, {
        code: ErrorCode.IntegrationNotConfigured,
        message: 'Slack is not configured: set SLACK_WEBHOOK_URL or SLACK_BOT_TOKEN',
        retryable: false,
        vendorStatus: null,
      });
      return;
    }

    try {
      const result = await client.post({
        channel: command.channel,
        text: command.text,
        blocks: blocksFor(command.text, command.blocks),
      });
      await this.messageLog.recordSent({
        idempotencyKey,
        reference,
        channel: command.channel,
        mode: client.mode,
        attempts: earlierAttempts + input.deliveryCount,
        ts: result.ts,
        vendorResponse: result.vendorResponse,
      });
      await this.outbox.publish(Subjects.SlackMessagePosted, {
        idempotency_key: idempotencyKey,
        reference,
        channel: command.channel,
        ts: result.ts,
        attempts: input.deliveryCount,
      });
      this.log.info(
        {
          idempotency_key: idempotencyKey,
          reference,
          channel: command.channel,
          mode: client.mode,
          attempts: input.deliveryCount,
        },
        'message posted',
      );
    } catch (error) {
      await this.handleFailure(input, client, earlierAttempts, error);
    }
  }

  private async handleFailure(
    input: PostMessageInput,
    client: SlackClient,
    earlierAttempts: number,
    error: unknown,
  ): Promise<void> {
    const failure =
      error instanceof SlackDeliveryError
        ? error
        : new SlackDeliveryError('transient', null, null, 'Slack call failed unexpectedly');
    if (failure.retryable && !input.isLastAttempt) {
      this.log.warn(
        {
          idempotency_key: input.idempotencyKey,
          reference: input.command.reference ?? null,
          delivery: input.deliveryCount,
          vendor_status: failure.vendorStatus,
          vendor_code: failure.vendorCode,
          retry_after_ms: failure.retryAfterMs,
        },
        'slack call failed; will retry',
      );
      // The transport naks with the backoff, or with Retry-After when Slack sent one (never scaled).
      throw new TransientError(failure.message, {
        retryAfterMs: failure.retryAfterMs ?? undefined,
        cause: error,
      });
    }
    await this.fail(input, client.mode, earlierAttempts, {
      // A vendor code (e.g. `rollup_error`, `channel_not_found`) is more useful than a generic one.
      code: failure.vendorCode ?? ErrorCode.ExternalServiceError,
      message:
        failure.retryable && input.isLastAttempt
          ? `${failure.message}; gave up after ${input.deliveryCount} attempts`
          : failure.message,
      retryable: failure.retryable,
      vendorStatus: failure.vendorStatus,
    });
  }

  private async fail(
    input: PostMessageInput,
    mode: 'webhook' | 'bot' | null,
    earlierAttempts: number,
    failure: Failure,
  ): Promise<void> {
    const reference = input.command.reference ?? null;
    await this.messageLog.recordFailed({
      idempotencyKey: input.idempotencyKey,
      reference,
      channel: input.command.channel,
      mode,
      attempts: earlierAttempts + (mode ? input.deliveryCount : 0),
      code: failure.code,
      message: failure.message,
      vendorStatus: failure.vendorStatus,
      retryable: failure.retryable,
    });
    await this.outbox.publish(Subjects.SlackMessageFailed, {
      idempotency_key: input.idempotencyKey,
      reference,
      channel: input.command.channel,
      error: {
        code: failure.code,
        message: failure.message,
        retryable: failure.retryable,
        vendor_status: failure.vendorStatus,
      },
      attempts: input.deliveryCount,
    });
    this.log.warn(
      {
        idempotency_key: input.idempotencyKey,
        reference,
        code: failure.code,
        vendor_status: failure.vendorStatus,
        retryable: failure.retryable,
        attempts: input.deliveryCount,
      },
      'message failed',
    );
  }
}
