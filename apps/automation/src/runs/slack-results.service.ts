import { Injectable } from '@nestjs/common';
import type { SlackMessageFailedV1, SlackMessagePostedV1, TriggerRunStepView } from '@crm/contracts';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { totalAttempts } from './run-dispatcher';
import { STALE_RUN_ERROR_CODE } from './stale-runs.service';
import type { RunError, TriggerRunEntity } from './trigger-run.entity';
import { TriggerRunsRepository } from './trigger-runs.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Applies the slack service's outcome to the run that asked for it. Outcomes for runs that are not running
 * (a duplicate result, or one from an attempt that was already settled) change nothing, except that a late
 * outcome still settles a run the sweeper failed for want of one: it tells what really happened.
 */
@Injectable()
export class SlackResultsService {
  private readonly log: Logger;

  constructor(
    private readonly runs: TriggerRunsRepository,
    logger: AppLogger,
  ) {
    this.log = logger.child('slack-results');
  }

  async messagePosted(event: SlackMessagePostedV1): Promise<void> {
    const run = await this.runningRunFor(event);
    if (!run) return;
    const now = new Date();
    this.settleStep(
      run,
      { status: 'succeeded', attempts: event.attempts, external_id: event.ts, error: null },
      now,
    );
    run.status = 'succeeded';
    run.result = { slack_ts: event.ts, channel: event.channel };
    run.error = null;
    run.finished_at = now;
    await this.runs.save(run);
    this.log.info({ run_id: run.id, attempts: run.attempts }, 'trigger run succeeded');
  }

  async messageFailed(event: SlackMessageFailedV1): Promise<void> {
    const run = await this.runningRunFor(event);
    if (!run) return;
    const now = new Date();
    const vendor = event.error.vendor_status;
    const error: RunError = {
      code: event.error.code,
      // Keep the vendor's status visible even when its message does not name it.
      message:
        vendor !== null && vendor !== undefined && !event.error.message.includes(String(vendor))
          ? `${event.error.message} (vendor status ${vendor})`
          : event.error.message,
      retryable: event.error.retryable,
    };
    this.settleStep(run, { status: 'failed', attempts: event.attempts, external_id: null, error }, now);
    run.status = 'failed';
    run.error = error;
    run.result = null;
    run.finished_at = now;
    await this.runs.save(run);
    this.log.warn(
      { run_id: run.id, code: error.code, retryable: error.retryable, attempts: run.attempts },
      'trigger run failed',
    );
  }

  private async runningRunFor(event: { reference: string | null; idempotency_key: string }) {
    const run =
      event.reference && UUID.test(event.reference)
        ? await this.runs.findByIdForUpdate(event.reference)
        : await this.runs.findByKeyForUpdate(event.idempotency_key);
    // Slack results of other requesters (alerts, say) share the stream: not ours.
    if (!run || run.idempotency_key !== event.idempotency_key) return null;
    if (run.status !== 'running' && !failedAsStale(run)) {
      this.log.info({ run_id: run.id, status: run.status }, 'slack result for a settled run ignored');
      return null;
    }
    return run;
  }

  /** Closes the step that is running (the latest dispatch) and recomputes the run's attempts. */
  private settleStep(
    run: TriggerRunEntity,
    outcome: Pick<TriggerRunStepView, 'status' | 'attempts' | 'external_id' | 'error'>,
    now: Date,
  ): void {
    const steps = [...(run.steps ?? [])];
    const index = steps.findLastIndex(
      (s) => s.status === 'running' || s.error?.code === STALE_RUN_ERROR_CODE,
    );
    if (index >= 0) steps[index] = { ...steps[index], ...outcome, finished_at: now.toISOString() };
    run.steps = steps;
    run.attempts = totalAttempts(steps);
  }
}

function failedAsStale(run: TriggerRunEntity): boolean {
  return run.status === 'failed' && run.error?.code === STALE_RUN_ERROR_CODE;
}
