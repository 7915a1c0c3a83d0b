import { Injectable } from '@nestjs/common';
import type {
  LeadsRuleActionFailedV1,
  LeadsRuleActionSucceededV1,
  LeadsCreateTaskFailedV1,
  LeadsTaskCreatedForCommandV1,
  MocoSyncFailedV1,
  MocoSyncSucceededV1,
  SlackMessageFailedV1,
  SlackMessagePostedV1,
  VendorFailure,
} from '@crm/contracts';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { ruleCommandKey } from './rule-action.dispatcher';
import type { RuleLogEntity } from './rule-log.entity';
import { RuleLogsRepository } from './rule-logs.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Outcome {
  reference: string | null;
  idempotency_key: string;
}

/**
 * Settles a firing's log row from the outcome of the command it sent (the executor echoes the log id as
 * `reference`). Outcomes of other requesters, and repeated ones, change nothing.
 */
@Injectable()
export class RuleResultsService {
  private readonly log: Logger;

  constructor(
    private readonly logs: RuleLogsRepository,
    logger: AppLogger,
  ) {
    this.log = logger.child('rule-results');
  }

  async slackPosted(event: SlackMessagePostedV1): Promise<void> {
    await this.settle(event, true, { slack_ts: event.ts, channel: event.channel, attempts: event.attempts });
  }

  async slackFailed(event: SlackMessageFailedV1): Promise<void> {
    await this.settle(event, false, { attempts: event.attempts }, event.error);
  }

  async mocoSucceeded(event: MocoSyncSucceededV1): Promise<void> {
    await this.settle(event, true, {
      operation: event.operation,
      moco: event.moco,
      attempts: event.attempts,
    });
  }

  async mocoFailed(event: MocoSyncFailedV1): Promise<void> {
    await this.settle(event, false, { operation: event.operation, attempts: event.attempts }, event.error);
  }

  async taskCreated(event: LeadsTaskCreatedForCommandV1): Promise<void> {
    await this.settle(event, true, { task_id: event.task_id, assigned_to_id: event.assigned_to_id });
  }

  async taskFailed(event: LeadsCreateTaskFailedV1): Promise<void> {
    await this.settle(event, false, { attempts: event.attempts }, event.error);
  }

  async leadsActionSucceeded(event: LeadsRuleActionSucceededV1): Promise<void> {
    await this.settle(event, true, { ...event.result, attempts: event.attempts });
  }

  async leadsActionFailed(event: LeadsRuleActionFailedV1): Promise<void> {
    await this.settle(event, false, { attempts: event.attempts }, event.error);
  }

  private async settle(
    outcome: Outcome,
    success: boolean,
    result: Record<string, unknown>,
    error?: VendorFailure,
  ): Promise<void> {
    const row = await this.pendingLogFor(outcome);
    if (!row) return;
    row.success = success;
    row.action_result = { ...(row.action_result ?? {}), ...result, ...(error ? { code: error.code } : {}) };
    row.error_message = error ? error.message : null;
    await this.logs.save(row);
    this.log.info({ log_id: row.id, success }, 'automation rule action settled');
  }

  private async pendingLogFor(outcome: Outcome): Promise<RuleLogEntity | null> {
    if (!outcome.reference || !UUID.test(outcome.reference)) return null;
    if (outcome.idempotency_key !== ruleCommandKey(outcome.reference)) return null;
    const row = await this.logs.findByIdForUpdate(outcome.reference);
    return row && row.success === null ? row : null;
  }
}
