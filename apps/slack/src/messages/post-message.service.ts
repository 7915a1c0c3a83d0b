import { Injectable } from '@nestjs/common';
import { ErrorCode, SlackFailureCodes, Subjects } from '@crm/contracts';
import { Outbox, TransientError, type DeadLetteredMessage } from '@crm/messaging';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import type { PostMessageInput } from './dto/post-message.input';
import { blocksFor } from './message-blocks';
import type { MessageLogEntity } from './message-log.entity';
import { MessageLogRepository } from './message-log.repository';
import {
  SlackDeliveryError,
  type SlackClient,
  type SlackClientMode,
  type SlackPostResult,
} from './slack-client/slack-client';
import { SlackTargets } from './slack-client/slack-targets';
import { SettingsService } from '../settings/settings.service';

interface Failure {
  code: string;
  message: string;
  retryable: boolean;
  vendorStatus: number | null;
}

/**
 * Posts one message per idempotency key and tells the requester how it went (SlackMessagePosted /
 * SlackMessageFailed).
 *
 * The handler runs in the consumer's transaction, which commits the result event with the log row. The attempt
 * itself is recorded (`sending`) in a commit of its own BEFORE Slack is called, so when that transaction later
 * fails (the database, a crash) the redelivered command knows a post may have happened: it looks the message up
 * (bot mode) or reports the outcome as unknown (webhooks cannot be asked), and never posts blindly again.
 */
@Injectable()
export class PostMessageService {
  private readonly log: Logger;

  constructor(
    private readonly messageLog: MessageLogRepository,
    private readonly targets: SlackTargets,
    private readonly settings: SettingsService,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('post-message');
  }

  async postMessage(input: PostMessageInput): Promise<void> {
    const { idempotencyKey, command } = input;
    await this.messageLog.lockKey(idempotencyKey);
    const previous = await this.messageLog.findByKey(idempotencyKey);

    if (previous?.status === 'sent') {
      // Already posted under this key: post nothing, but answer again so this requester learns it too.
      this.log.info(
        { idempotency_key: idempotencyKey, reference: command.reference ?? null },
        'message already sent; result re-emitted',
      );
      await this.publishPosted(input, previous.vendor_ts, Math.max(1, previous.attempts));
      return;
    }

    const target = this.targets.resolve(await this.settings.current(), command.channel);
    if (!target.configured) {
      await this.fail(input, null, {
        code: ErrorCode.IntegrationNotConfigured,
        message: target.reason,
        retryable: false,
        vendorStatus: null,
      });
      return;
    }
    const { client, channel } = target;

    if (
      previous &&
      outcomeInDoubt(previous) &&
      (await this.settleEarlierAttempt(input, client, channel, previous))
    ) {
      return;
    }
    // No row, a `failed` one (an earlier command gave up; a new command is a retry), or nothing found: post.
    await this.attempt(input, client, channel);
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
    await this.outbox.publish(Subjects.SlackMessageFailed, {
      idempotency_key: idempotencyKey,
      reference: text(data.reference),
      channel: text(data.channel) ?? '',
      error: {
        code: SlackFailureCodes.DeadLettered,
        message: `The command became a dead letter (${letter.reason}): ${letter.error}`.slice(0, 2000),
        // Deliveries ran out on failures that may pass (a retry may help); anything else will fail again.
        retryable: exhausted,
        vendor_status: null,
      },
      attempts: exhausted ? maxDeliver : 1,
    });
    this.log.warn(
      { idempotency_key: idempotencyKey, reason: letter.reason },
      'dead-lettered command reported as failed',
    );
  }

  /**
   * An earlier attempt may have posted: finds out, and completes the command when it did. Returns false when
   * the message is known not to be there (post it), true when the command is settled.
   */
  private async settleEarlierAttempt(
    input: PostMessageInput,
    client: SlackClient,
    channel: string,
    previous: MessageLogEntity,
  ): Promise<boolean> {
    const { idempotencyKey, command } = input;
    const since = previous.attempt_started_at ?? previous.updated_at;
    let earlier;
    try {
      earlier = await client.findEarlierPost(channel, idempotencyKey, since);
    } catch (error) {
      const failure = asDeliveryError(error);
      this.throwToRetryUnlessFinal(input, failure, 'could not look up an earlier attempt');
      await this.fail(
        input,
        client.mode,
        unknownOutcome(command.channel, `the lookup failed: ${failure.message}`),
      );
      return true;
    }
    const context = {
      idempotency_key: idempotencyKey,
      reference: command.reference ?? null,
      mode: client.mode,
    };
    switch (earlier.status) {
      case 'posted':
        this.log.info(context, 'earlier attempt had posted the message; completed without posting again');
        await this.complete(input, client.mode, earlier.result);
        return true;
      case 'not_posted':
        this.log.info(context, 'earlier attempt had not posted the message; posting');
        return false;
      case 'unknown':
        // After a reported unknown outcome, a new command for the key is someone's deliberate retry.
        if (previous.status === 'failed') return false;
        await this.fail(
          input,
          client.mode,
          unknownOutcome(command.channel, `an earlier attempt was not recorded, and ${earlier.reason}`),
        );
        return true;
    }
  }

  /** `channel` is where the target posts: the command's channel, or the channel id configured for it. */
  private async attempt(input: PostMessageInput, client: SlackClient, channel: string): Promise<void> {
    const { idempotencyKey, command } = input;
    const reference = command.reference ?? null;
    await this.messageLog.claimNow({
      idempotencyKey,
      reference,
      channel: command.channel,
      mode: client.mode,
    });
    let result: SlackPostResult;
    try {
      result = await client.post({
        channel,
        text: command.text,
        blocks: blocksFor(command.text, command.blocks),
        idempotencyKey,
      });
    } catch (error) {
      await this.handlePostFailure(input, client, asDeliveryError(error));
      return;
    }
    // Outside the try: a database failure here is not a Slack failure; the redelivery finds the `sending` row.
    await this.complete(input, client.mode, result);
  }

  private async handlePostFailure(
    input: PostMessageInput,
    client: SlackClient,
    failure: SlackDeliveryError,
  ): Promise<void> {
    if (failure.outcome === 'unknown') {
      // The row stays `sending`: the next delivery looks the message up before anything else.
      this.throwToRetryUnlessFinal(
        input,
        failure,
        'slack call ended without an answer; will check before posting again',
      );
      await this.fail(input, client.mode, unknownOutcome(input.command.channel, failure.message));
      return;
    }
    if (failure.retryable && !input.isLastAttempt) {
      // Nothing was posted: say so now, since throwing rolls the handler's transaction back.
      await this.messageLog.recordFailedNow(this.failedRecord(input, client.mode, describe(failure, input)));
    }
    this.throwToRetryUnlessFinal(input, failure, 'slack call failed; will retry');
    await this.fail(input, client.mode, describe(failure, input));
  }

  /** Throws the TransientError that makes the queue redeliver, unless this is the last delivery or it cannot help. */
  private throwToRetryUnlessFinal(
    input: PostMessageInput,
    failure: SlackDeliveryError,
    message: string,
  ): void {
    if (!failure.retryable || input.isLastAttempt) return;
    this.log.warn(
      {
        idempotency_key: input.idempotencyKey,
        reference: input.command.reference ?? null,
        delivery: input.deliveryCount,
        vendor_status: failure.vendorStatus,
        vendor_code: failure.vendorCode,
        retry_after_ms: failure.retryAfterMs,
      },
      message,
    );
    // The transport naks with the backoff, or with Retry-After when Slack sent one (never scaled).
    throw new TransientError(failure.message, {
      retryAfterMs: failure.retryAfterMs ?? undefined,
      cause: failure,
    });
  }

  private async complete(
    input: PostMessageInput,
    mode: SlackClientMode,
    result: SlackPostResult,
  ): Promise<void> {
    await this.messageLog.recordSent({
      idempotencyKey: input.idempotencyKey,
      ts: result.ts,
      vendorResponse: result.vendorResponse,
    });
    await this.publishPosted(input, result.ts, input.deliveryCount);
    this.log.info(
      {
        idempotency_key: input.idempotencyKey,
        reference: input.command.reference ?? null,
        channel: input.command.channel,
        mode,
        attempts: input.deliveryCount,
      },
      'message posted',
    );
  }

  private async publishPosted(input: PostMessageInput, ts: string | null, attempts: number): Promise<void> {
    await this.outbox.publish(Subjects.SlackMessagePosted, {
      idempotency_key: input.idempotencyKey,
      reference: input.command.reference ?? null,
      channel: input.command.channel,
      ts,
      attempts,
    });
  }

  private async fail(input: PostMessageInput, mode: SlackClientMode | null, failure: Failure): Promise<void> {
    const record = this.failedRecord(input, mode, failure);
    await this.messageLog.recordFailed(record);
    await this.outbox.publish(Subjects.SlackMessageFailed, {
      idempotency_key: record.idempotencyKey,
      reference: record.reference,
      channel: record.channel,
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
        idempotency_key: record.idempotencyKey,
        reference: record.reference,
        code: failure.code,
        vendor_status: failure.vendorStatus,
        retryable: failure.retryable,
        attempts: input.deliveryCount,
      },
      'message failed',
    );
  }

  private failedRecord(input: PostMessageInput, mode: SlackClientMode | null, failure: Failure) {
    return {
      idempotencyKey: input.idempotencyKey,
      reference: input.command.reference ?? null,
      channel: input.command.channel,
      mode,
      code: failure.code,
      message: failure.message,
      vendorStatus: failure.vendorStatus,
      retryable: failure.retryable,
    };
  }
}

/** A row left `sending` (its attempt never recorded an outcome), or a reported unknown outcome. */
function outcomeInDoubt(row: MessageLogEntity): boolean {
  return (
    row.status === 'sending' ||
    (row.status === 'failed' && row.error_code === SlackFailureCodes.OutcomeUnknown)
  );
}

function unknownOutcome(channel: string, why: string): Failure {
  return {
    code: SlackFailureCodes.OutcomeUnknown,
    message:
      `The message may have been posted (${why}); it was not posted again, to avoid a duplicate. ` +
      `Check ${channel} before retrying`,
    retryable: false,
    vendorStatus: null,
  };
}

function describe(failure: SlackDeliveryError, input: PostMessageInput): Failure {
  return {
    // A vendor code (e.g. `rollup_error`, `channel_not_found`) is more useful than a generic one.
    code: failure.vendorCode ?? ErrorCode.ExternalServiceError,
    message:
      failure.retryable && input.isLastAttempt
        ? `${failure.message}; gave up after ${input.deliveryCount} attempts`
        : failure.message,
    retryable: failure.retryable,
    vendorStatus: failure.vendorStatus,
  };
}

function asDeliveryError(error: unknown): SlackDeliveryError {
  // Clients throw nothing else; anything else is a bug in between, and Slack may have been called.
  return error instanceof SlackDeliveryError
    ? error
    : new SlackDeliveryError('transient', null, null, 'Slack call failed unexpectedly', null, 'unknown');
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}
