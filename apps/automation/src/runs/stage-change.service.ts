import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { DealStageChangedV1, TriggerRunStatus } from '@crm/contracts';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import type { StageTriggerEntity } from '../triggers/stage-trigger.entity';
import { StageTriggersRepository } from '../triggers/stage-triggers.repository';
import { actionSpec, AVAILABLE_EXECUTORS } from '../triggers/trigger-actions';
import { matchesConditions } from '../triggers/trigger-conditions';
import { notAvailableError, RunDispatcher, SLACK_MAX_ATTEMPTS } from './run-dispatcher';
import { buildSlackMessage } from './slack-message.builder';
import { renderTemplate, type TemplateVariables } from './template-renderer';
import { TriggerRunEntity } from './trigger-run.entity';
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
    const run = Object.assign(new TriggerRunEntity(), {
      id: randomUUID(),
      trigger_id: trigger.id,
      trigger_name: trigger.name,
      action: trigger.action,
      on: trigger.on,
      stage_id: trigger.stage_id,
      deal_id: event.deal_id,
      lead_id: event.lead_id,
      stage_history_id: event.stage_history_id,
      idempotency_key: runKey(trigger.id, event.deal_id, event.stage_history_id),
      source: 'stage_change' as const,
      dry_run: false,
      status: 'pending' as TriggerRunStatus,
      attempts: 0,
      max_attempts: SLACK_MAX_ATTEMPTS,
      next_attempt_at: null,
      error: null,
      result: null,
      steps: [],
      payload: null,
      created_at: now,
      started_at: null,
      finished_at: null,
    } satisfies Partial<TriggerRunEntity>);

    const executor = actionSpec(trigger.action).executor;
    if (!AVAILABLE_EXECUTORS.has(executor)) {
      const error = notAvailableError(trigger.action);
      Object.assign(run, {
        status: 'skipped',
        error,
        started_at: now,
        finished_at: now,
        steps: [
          {
            name: trigger.action,
            status: 'skipped',
            attempts: 0,
            external_id: null,
            error,
            started_at: now.toISOString(),
            finished_at: now.toISOString(),
          },
        ],
      });
      return this.runs.insertIfAbsent(run);
    }

    // send_slack_message, the one executor available so far.
    const variables = templateVariables(trigger, event);
    const text = renderTemplate(String(trigger.config.message), variables);
    const payload = buildSlackMessage(String(trigger.config.channel), text, variables);
    // Dispatching only after the insert won means a replayed transition never sends a second command.
    run.status = 'running';
    const inserted = await this.runs.insertIfAbsent(run);
    if (!inserted) return false;
    await this.dispatcher.dispatchSlack(run, payload);
    await this.runs.save(run);
    return true;
  }
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
  };
}
