import { Injectable } from '@nestjs/common';
import { Consumers, Subjects, type TriggerRunStepView } from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import type { SlackMessagePayload } from './slack-message.builder';
import type { TriggerRunEntity } from './trigger-run.entity';

/** How often the slack service attempts one command (its consumer's max deliver): the run's max_attempts. */
export const SLACK_MAX_ATTEMPTS =
  Consumers.find((c) => c.service === 'slack' && c.subject === Subjects.SlackPostMessage)?.maxDeliver ?? 5;

export const SLACK_STEP = 'slack.post_message';

/**
 * Hands a run's action to the service that executes it, through the outbox (so the command leaves only if the
 * run is committed), and records the dispatch as a step.
 */
@Injectable()
export class RunDispatcher {
  constructor(private readonly outbox: Outbox) {}

  /** Marks the run running with a new step, then sends the Slack command under the run's idempotency key. */
  async dispatchSlack(
    run: TriggerRunEntity,
    payload: SlackMessagePayload,
    stepName = SLACK_STEP,
  ): Promise<void> {
    const now = new Date();
    const step: TriggerRunStepView = {
      name: stepName,
      status: 'running',
      // The first attempt happens now; the result event reports the real count.
      attempts: 1,
      external_id: null,
      error: null,
      started_at: now.toISOString(),
      finished_at: null,
    };
    run.payload = { ...payload };
    run.steps = [...(run.steps ?? []), step];
    run.status = 'running';
    run.attempts = totalAttempts(run.steps);
    run.max_attempts = SLACK_MAX_ATTEMPTS;
    run.error = null;
    run.result = null;
    run.next_attempt_at = null;
    run.started_at = run.started_at ?? now;
    run.finished_at = null;
    await this.outbox.publish(
      Subjects.SlackPostMessage,
      { channel: payload.channel, text: payload.text, blocks: payload.blocks, reference: run.id },
      { idempotencyKey: run.idempotency_key },
    );
  }
}

export function totalAttempts(steps: TriggerRunStepView[]): number {
  return steps.reduce((sum, step) => sum + step.attempts, 0);
}

/** The error of a run whose action has no executor yet (api.md §9: never a fake success). */
export function notAvailableError(action: string) {
  return { code: 'not_available', message: `${action} is not available yet`, retryable: false };
}
