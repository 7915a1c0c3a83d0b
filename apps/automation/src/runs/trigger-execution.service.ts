import { Injectable } from '@nestjs/common';
import {
  Subjects,
  ValidationFailedError,
  type ExecuteTriggerCommand,
  type TriggerExecutionView,
  type TriggerRunStatus,
} from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { actionSpec, AVAILABLE_EXECUTORS } from '../triggers/trigger-actions';
import { validateActionConfig } from '../triggers/trigger-validation';
import { ActionInputError, buildActionCommands, wouldSend, type ActionCommand } from './action-commands';
import { notAvailableError, RunDispatcher } from './run-dispatcher';
import { endedAt } from './stage-change.service';
import { newRun } from './new-run';
import { runFailedEvent } from './run-failed.event';
import type { RunError, TriggerRunEntity } from './trigger-run.entity';
import { TriggerRunsRepository } from './trigger-runs.repository';

/**
 * api.md §9 `POST /triggers/execute`: one action run by hand for a deal or lead, outside any stage change. It is a
 * run like the others (`source: manual`, its own key), so it is retried, logged and erased the same way. A dry run
 * resolves everything and records what would be sent; nothing is called.
 */
@Injectable()
export class TriggerExecutionService {
  private readonly log: Logger;

  constructor(
    private readonly runs: TriggerRunsRepository,
    private readonly dispatcher: RunDispatcher,
    private readonly outbox: Outbox,
    private readonly tx: TransactionHost,
    logger: AppLogger,
  ) {
    this.log = logger.child('trigger-execution');
  }

  async execute({ body, snapshot, actor }: ExecuteTriggerCommand): Promise<TriggerExecutionView> {
    const checked = validateActionConfig(body.action, body.config, 'config');
    if (checked.issues.length) throw new ValidationFailedError(checked.issues);
    const now = new Date();
    const run = manualRun(body.action, snapshot, body.dry_run === true, now);

    let outcome: { commands: ActionCommand[] } | { status: 'skipped' | 'failed'; error: RunError };
    if (!AVAILABLE_EXECUTORS.has(actionSpec(body.action).executor)) {
      outcome = { status: 'skipped', error: notAvailableError(body.action) };
    } else {
      try {
        outcome = {
          commands: buildActionCommands(body.action, checked.config, {
            runId: run.id,
            runKey: run.idempotency_key,
            dealId: snapshot.deal_id,
            leadId: snapshot.lead_id,
            deal: snapshot.deal,
            lead: snapshot.lead,
            organization: snapshot.organization,
            variables: {
              deal: {
                name: snapshot.deal?.name ?? '',
                value: snapshot.deal?.value ?? null,
                currency: snapshot.deal?.currency ?? 'EUR',
              },
              lead: {
                email: snapshot.lead?.email ?? null,
                first_name: snapshot.lead?.first_name ?? null,
                last_name: snapshot.lead?.last_name ?? null,
              },
              stage: { name: snapshot.stage_name },
              pipeline: { name: snapshot.pipeline_name },
              company: { name: snapshot.organization?.name ?? null },
            },
            now,
          }),
        };
      } catch (error) {
        if (!(error instanceof ActionInputError)) throw error;
        outcome = { status: 'failed', error: { code: error.code, message: error.message, retryable: false } };
      }
    }

    await this.tx.transaction(async () => {
      if (!('commands' in outcome)) {
        await this.runs.insert(endedAt(run, outcome.status, outcome.error, now));
        if (run.status === 'failed') {
          await this.outbox.publish(Subjects.AutomationTriggerRunFailed, runFailedEvent(run));
        }
      } else if (run.dry_run) {
        Object.assign(run, {
          status: 'succeeded' as TriggerRunStatus,
          result: { would_send: wouldSend(outcome.commands) },
          payload: { commands: outcome.commands },
          started_at: now,
          finished_at: now,
        });
        await this.runs.insert(run);
      } else {
        await this.dispatcher.dispatch(run, outcome.commands);
        await this.runs.insert(run);
      }
    });
    this.log.info(
      {
        run_id: run.id,
        action: run.action,
        dry_run: run.dry_run,
        status: run.status,
        actor_type: actor.type,
      },
      'trigger action executed by hand',
    );
    return executionView(run);
  }
}

function manualRun(
  action: TriggerRunEntity['action'],
  snapshot: ExecuteTriggerCommand['snapshot'],
  dryRun: boolean,
  now: Date,
): TriggerRunEntity {
  return newRun(
    {
      trigger_id: null,
      trigger_name: null,
      action,
      on: 'enter',
      stage_id: snapshot.stage_id,
      deal_id: snapshot.deal_id,
      lead_id: snapshot.lead_id,
      stage_history_id: null,
      source: 'manual',
      dry_run: dryRun,
    },
    (id) => `manual:${id}`,
    now,
  );
}

/** The execute answer for a run in any state: `success` only once it succeeded. */
export function executionView(run: {
  id: string;
  action: TriggerRunEntity['action'];
  status: TriggerRunStatus;
  dry_run: boolean;
  result: Record<string, unknown> | null;
  error: RunError | null;
}): TriggerExecutionView {
  return {
    success: run.status === 'succeeded',
    action: run.action,
    run_id: run.id,
    status: run.status,
    dry_run: run.dry_run,
    result: run.result,
    error: run.error,
  };
}
