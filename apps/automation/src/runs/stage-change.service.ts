import { Injectable } from '@nestjs/common';
import { Subjects, type DealStageChangedV1 } from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import type { StageTriggerEntity } from '../triggers/stage-trigger.entity';
import { StageTriggersRepository } from '../triggers/stage-triggers.repository';
import { actionSpec, AVAILABLE_EXECUTORS } from '../triggers/trigger-actions';
import { matchesConditions } from '../triggers/trigger-conditions';
import {
  ActionInputError,
  buildActionCommands,
  type ActionCommand,
  type ActionContext,
} from './action-commands';
import { notAvailableError, RunDispatcher } from './run-dispatcher';
import type { TemplateVariables } from './template-renderer';
import { newRun } from './new-run';
import { runFailedEvent } from './run-failed.event';
import type { RunError, TriggerRunEntity } from './trigger-run.entity';
import { TriggerRunsRepository } from './trigger-runs.repository';

/** The run key of api.md §9: one run per (trigger, deal, transition), whatever is replayed. */
export function runKey(triggerId: string, dealId: string, stageHistoryId: string): string {
  return `${triggerId}:${dealId}:${stageHistoryId}`;
}

/**
 * Turns a stage change into trigger runs: `exit` triggers of the stage left and `enter` triggers of the stage
 * entered, filtered by their conditions. Runs the consumer's transaction, so runs and commands commit together.
 */
@Injectable()
export class StageChangeService {
  private readonly log: Logger;

  constructor(
    private readonly triggers: StageTriggersRepository,
    private readonly runs: TriggerRunsRepository,
    private readonly dispatcher: RunDispatcher,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('stage-change');
  }

  async handleStageChanged(event: DealStageChangedV1): Promise<{ created: number }> {
    const firing = await this.triggers.findFiring(event.to_stage_id, event.from_stage_id ?? null);
    const facts = {
      dealValue: event.deal.value ?? null,
      leadIntent: event.lead.primary_intent ?? null,
      leadSource: event.lead.source ?? null,
      fromStageId: event.from_stage_id ?? null,
    };
    let created = 0;
    for (const trigger of firing) {
      if (!matchesConditions(trigger.conditions ?? {}, facts)) continue;
      if (await this.startRun(trigger, event)) created += 1;
    }
    if (firing.length) {
      this.log.info(
        {
          deal_id: event.deal_id,
          stage_history_id: event.stage_history_id,
          triggers: firing.length,
          runs_created: created,
        },
        'stage change handled',
      );
    }
    return { created };
  }

  /** Creates the run unless this transition already has one (a replay), then dispatches it. */
  private async startRun(trigger: StageTriggerEntity, event: DealStageChangedV1): Promise<boolean> {
    const now = new Date();
    const run = newRun(
      {
        trigger_id: trigger.id,
        trigger_name: trigger.name,
        action: trigger.action,
        on: trigger.on,
        stage_id: trigger.stage_id,
        deal_id: event.deal_id,
        lead_id: event.lead_id,
        stage_history_id: event.stage_history_id,
        source: 'stage_change',
        dry_run: false,
      },
      () => runKey(trigger.id, event.deal_id, event.stage_history_id),
      now,
    );

    const executor = actionSpec(trigger.action).executor;
    if (!AVAILABLE_EXECUTORS.has(executor)) {
      return this.runs.insertIfAbsent(endedAt(run, 'skipped', notAvailableError(trigger.action), now));
    }
    let commands: ActionCommand[];
    try {
      commands = buildActionCommands(
        trigger.action,
        trigger.config,
        actionContextOf(run, trigger, event, now),
      );
    } catch (error) {
      if (!(error instanceof ActionInputError)) throw error;
      // Nothing to send can ever come of it: the run fails at once, visibly, and is not retryable as it stands.
      const failure = { code: error.code, message: error.message, retryable: false };
      const inserted = await this.runs.insertIfAbsent(endedAt(run, 'failed', failure, now));
      if (inserted) await this.outbox.publish(Subjects.AutomationTriggerRunFailed, runFailedEvent(run));
      return inserted;
    }
    // Dispatching only after the insert won means a replayed transition never sends a second command.
    run.status = 'running';
    const inserted = await this.runs.insertIfAbsent(run);
    if (!inserted) return false;
    await this.dispatcher.dispatch(run, commands);
    await this.runs.save(run);
    return true;
  }
}

/** A run that ends as it starts: skipped (no executor) or failed (unusable input), with one step saying why. */
export function endedAt(
  run: TriggerRunEntity,
  status: 'skipped' | 'failed',
  error: RunError,
  now: Date,
): TriggerRunEntity {
  return Object.assign(run, {
    status,
    error,
    started_at: now,
    finished_at: now,
    steps: [
      {
        name: run.action,
        status,
        attempts: 0,
        external_id: null,
        error,
        started_at: now.toISOString(),
        finished_at: now.toISOString(),
      },
    ],
  });
}

export function actionContextOf(
  run: TriggerRunEntity,
  trigger: StageTriggerEntity,
  event: DealStageChangedV1,
  now: Date,
): ActionContext {
  return {
    runId: run.id,
    runKey: run.idempotency_key,
    dealId: event.deal_id,
    leadId: event.lead_id,
    deal: event.deal,
    lead: event.lead,
    organization: event.organization ?? null,
    variables: templateVariables(trigger, event),
    now,
  };
}

/** Template variables for a trigger: `{stage.name}` is the trigger's own stage (entered or left). */
export function templateVariables(trigger: StageTriggerEntity, event: DealStageChangedV1): TemplateVariables {
  const stageName =
    trigger.on === 'enter' && trigger.stage_id === event.to_stage_id
      ? event.to_stage_name
      : trigger.stage_name;
  return {
    deal: { name: event.deal.name, value: event.deal.value ?? null, currency: event.deal.currency },
    lead: {
      email: event.lead.email ?? null,
      first_name: event.lead.first_name ?? null,
      last_name: event.lead.last_name ?? null,
    },
    stage: { name: stageName },
    pipeline: { name: event.pipeline_name },
    company: { name: event.organization?.name ?? null },
  };
}
