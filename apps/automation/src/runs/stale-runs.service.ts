import { Injectable } from '@nestjs/common';
import { Subjects } from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { AutomationConfig } from '../config/automation.config';
import { runFailedEvent } from './run-failed.event';
import type { RunError, TriggerRunEntity } from './trigger-run.entity';
import { TriggerRunsRepository } from './trigger-runs.repository';

/** The error of a run that never got a result (its command was lost, or its executor never answered). */
export const STALE_RUN_ERROR_CODE = 'stale_run';

/** Runs failed per transaction; a sweep continues until fewer are left. */
const BATCH_SIZE = 100;

/**
 * Fails runs (and their unfinished steps) stuck in `pending` or `running` longer than STALE_RUN_AFTER_MINUTES,
 * so nothing stays `running` forever. A result that still arrives later settles the run after all.
 */
@Injectable()
export class StaleRunsService {
  private readonly log: Logger;

  constructor(
    private readonly runs: TriggerRunsRepository,
    private readonly tx: TransactionHost,
    private readonly config: AutomationConfig,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('stale-runs');
  }

  /** Returns how many runs this call failed (0 when another instance is sweeping). */
  async failStaleRuns(): Promise<number> {
    const minutes = this.config.STALE_RUN_AFTER_MINUTES;
    const error: RunError = {
      code: STALE_RUN_ERROR_CODE,
      message:
        `No result within ${minutes} minutes: the action's command was lost or never answered, so whether ` +
        `it took effect is unknown. Check the target before retrying; a late result still settles the run`,
      retryable: true,
    };
    let total = 0;
    for (;;) {
      const failed = await this.tx.transaction(async () => {
        if (!(await this.runs.trySweepLock())) return 0;
        const stale = await this.runs.findStaleForUpdate(minutes, BATCH_SIZE);
        const now = new Date();
        for (const run of stale) {
          failRun(run, error, now);
          await this.runs.save(run);
          await this.outbox.publish(Subjects.AutomationTriggerRunFailed, runFailedEvent(run));
          this.log.warn(
            { run_id: run.id, action: run.action, stale_minutes: minutes },
            'stale trigger run failed',
          );
        }
        return stale.length;
      });
      total += failed;
      if (failed < BATCH_SIZE) return total;
    }
  }
}

function failRun(run: TriggerRunEntity, error: RunError, now: Date): void {
  run.steps = (run.steps ?? []).map((step) =>
    step.status === 'running' || step.status === 'pending'
      ? { ...step, status: 'failed', error, finished_at: now.toISOString() }
      : step,
  );
  run.status = 'failed';
  run.error = error;
  run.result = null;
  run.next_attempt_at = null;
  run.finished_at = now;
}
