import { Injectable } from '@nestjs/common';
import { Subjects, type VendorFailure } from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import type { ActionCommand } from './action-commands';
import { commandsOf, isStepOf, totalAttempts } from './run-dispatcher';
import { runFailedEvent } from './run-failed.event';
import { STALE_RUN_ERROR_CODE } from './stale-runs.service';
import type { RunError, TriggerRunEntity } from './trigger-run.entity';
import { TriggerRunsRepository } from './trigger-runs.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What an executing service reported about one command, in the terms of a run. */
export type CommandOutcome = {
  /** the command's idempotency key and the reference it carried (the run id). */
  idempotency_key: string;
  reference: string | null;
  attempts: number;
} & (
  | {
      ok: true;
      /** the vendor's id of what was created or sent, shown on the step. */
      external_id: string | null;
      /** vendor ids for the run's `result` (api.md §9: `moco_offer_id`, `task_id`, `slack_ts`, …). */
      result: Record<string, unknown>;
    }
  | { ok: false; error: VendorFailure }
);

/**
 * Applies an executor's outcome to the run that sent the command: settles the command's running step, and the
 * run once every command is settled (succeeded when all did, else failed with the first error). Outcomes for
 * steps that are not running (a duplicate result, or one from an attempt already settled) change nothing,
 * except that a late outcome still settles a step the sweeper failed for want of one: it tells what happened.
 */
@Injectable()
export class RunResultsService {
  private readonly log: Logger;

  constructor(
    private readonly runs: TriggerRunsRepository,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('run-results');
  }

  async applyOutcome(outcome: CommandOutcome): Promise<void> {
    const found = await this.runAndCommandOf(outcome);
    if (!found) return;
    const { run, command } = found;
    const steps = [...(run.steps ?? [])];
    const index = steps.findLastIndex(
      (s) => isStepOf(s, command) && (s.status === 'running' || s.error?.code === STALE_RUN_ERROR_CODE),
    );
    if (index < 0) {
      this.log.info({ run_id: run.id, step: command.step }, 'result for a settled step ignored');
      return;
    }
    const now = new Date();
    steps[index] = {
      ...steps[index],
      ...(outcome.ok
        ? { status: 'succeeded', external_id: outcome.external_id, error: null }
        : { status: 'failed', external_id: null, error: runErrorOf(outcome.error) }),
      attempts: outcome.attempts,
      finished_at: now.toISOString(),
    };
    run.steps = steps;
    run.attempts = totalAttempts(steps);
    if (outcome.ok) run.result = { ...(run.result ?? {}), ...outcome.result };
    const wasFailed = run.status === 'failed';
    this.settleRun(run, now);
    await this.runs.save(run);
    if (run.status === 'failed' && !wasFailed) {
      await this.outbox.publish(Subjects.AutomationTriggerRunFailed, runFailedEvent(run));
    }
    const level = run.status === 'failed' ? 'warn' : 'info';
    this.log[level](
      { run_id: run.id, step: command.step, ok: outcome.ok, status: run.status, attempts: run.attempts },
      'trigger run step settled',
    );
  }

  private async runAndCommandOf(
    outcome: CommandOutcome,
  ): Promise<{ run: TriggerRunEntity; command: ActionCommand } | null> {
    const run =
      outcome.reference && UUID.test(outcome.reference)
        ? await this.runs.findByIdForUpdate(outcome.reference)
        : await this.runs.findByKeyForUpdate(outcome.idempotency_key);
    // Results of other requesters (alerts, rules, the cituro booking email) share the streams: not ours.
    const command = run && commandsOf(run).find((c) => c.idempotency_key === outcome.idempotency_key);
    if (!run || !command || run.dry_run) return null;
    if (run.status !== 'running' && !failedAsStale(run)) {
      this.log.info({ run_id: run.id, status: run.status }, 'result for a settled run ignored');
      return null;
    }
    return { run, command };
  }

  /** The latest step of each command decides: any running → running; all succeeded → succeeded; else failed. */
  private settleRun(run: TriggerRunEntity, now: Date): void {
    const latest = commandsOf(run).map((command) =>
      (run.steps ?? []).findLast((step) => isStepOf(step, command)),
    );
    if (latest.some((step) => !step || step.status === 'running')) {
      run.status = 'running';
      return;
    }
    const failed = latest.find((step) => step!.status !== 'succeeded');
    run.status = failed ? 'failed' : 'succeeded';
    run.error = failed ? (failed.error as RunError | null) : null;
    run.finished_at = now;
  }
}

/** Keeps the vendor's status visible even when its message does not name it. */
function runErrorOf(error: VendorFailure): RunError {
  const vendor = error.vendor_status;
  return {
    code: error.code,
    message:
      vendor !== null && vendor !== undefined && !error.message.includes(String(vendor))
        ? `${error.message} (vendor status ${vendor})`
        : error.message,
    retryable: error.retryable,
  };
}

function failedAsStale(run: TriggerRunEntity): boolean {
  return run.status === 'failed' && run.error?.code === STALE_RUN_ERROR_CODE;
}
