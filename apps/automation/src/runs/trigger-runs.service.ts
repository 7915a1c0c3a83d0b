import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  NotFoundError,
  ValidationFailedError,
  type ByIdQuery,
  type ListTriggerRunsQuery,
  type Page,
  type RetryTriggerRunCommand,
  type TriggerRunView,
  type ValidationIssue,
} from '@crm/contracts';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { actionSpec, AVAILABLE_EXECUTORS } from '../triggers/trigger-actions';
import { RunDispatcher, SLACK_STEP } from './run-dispatcher';
import type { SlackMessagePayload } from './slack-message.builder';
import { TriggerRunEntity } from './trigger-run.entity';
import { TriggerRunsRepository, type RunFilter } from './trigger-runs.repository';
import { toRunView } from './trigger-run.view';

/** The run log (api.md §9): list, read, retry. */
@Injectable()
export class TriggerRunsService {
  private readonly log: Logger;

  constructor(
    private readonly runs: TriggerRunsRepository,
    private readonly dispatcher: RunDispatcher,
    private readonly tx: TransactionHost,
    logger: AppLogger,
  ) {
    this.log = logger.child('trigger-runs');
  }

  async listRuns(query: ListTriggerRunsQuery): Promise<Page<TriggerRunView>> {
    const issues: ValidationIssue[] = [];
    const since = parseDate(query.since, 'since', issues);
    const until = parseDate(query.until, 'until', issues);
    if (issues.length) throw new ValidationFailedError(issues);
    const filter: RunFilter = {
      ids: query.id,
      deal_id: query.deal_id,
      lead_id: query.lead_id,
      stage_id: query.stage_id,
      trigger_id: query.trigger_id,
      action: query.action,
      status: query.status,
      dry_run: query.dry_run,
      since,
      until,
    };
    const request = { page: query.page ?? 1, limit: query.limit ?? 20, cursor: query.cursor };
    return (await this.runs.list(filter, request, query.sort_order ?? 'desc')).page(toRunView);
  }

  async getRun(query: ByIdQuery): Promise<TriggerRunView> {
    const run = await this.runs.findById(query.id);
    if (!run) throw new NotFoundError('Trigger run', query.id);
    return toRunView(run);
  }

  /**
   * Retries a failed run (or a dry run) under the SAME idempotency key, so the executor posts at most once;
   * with `dry_run: true` it only records a preview run of what would be sent.
   */
  async retryRun(command: RetryTriggerRunCommand): Promise<{ data: TriggerRunView }> {
    return this.tx.transaction(async () => {
      const run = await this.runs.findByIdForUpdate(command.run_id);
      if (!run) throw new NotFoundError('Trigger run', command.run_id);
      if (run.status !== 'failed' && !run.dry_run) {
        throw new DomainError(
          ErrorCode.RunNotRetryable,
          `Only failed runs and dry runs can be retried; this run is ${run.status}`,
          409,
          { run_id: run.id, status: run.status },
        );
      }
      const executor = actionSpec(run.action).executor;
      if (!AVAILABLE_EXECUTORS.has(executor) || !run.payload) {
        throw new DomainError(
          ErrorCode.RunNotRetryable,
          `${run.action} cannot be retried: it is not available yet`,
          409,
          { run_id: run.id, status: run.status },
        );
      }
      const payload = run.payload as unknown as SlackMessagePayload;

      if (command.body?.dry_run) {
        const preview = this.dryRunOf(run, payload);
        await this.runs.insert(preview);
        this.log.info({ run_id: run.id, dry_run_id: preview.id }, 'dry-run retry recorded');
        return { data: toRunView(preview) };
      }

      const retryNumber = (run.steps ?? []).filter((s) => s.name.startsWith(SLACK_STEP)).length;
      run.dry_run = false;
      await this.dispatcher.dispatchSlack(run, payload, `${SLACK_STEP} (retry ${retryNumber})`);
      await this.runs.save(run);
      this.log.info(
        { run_id: run.id, actor_type: command.actor.type, actor_id: command.actor.id, retry: retryNumber },
        'trigger run retried',
      );
      return { data: toRunView(run) };
    });
  }

  /** A run that resolves everything and calls nothing (api.md §9 dry run): its own key, never executed. */
  private dryRunOf(run: TriggerRunEntity, payload: SlackMessagePayload): TriggerRunEntity {
    const now = new Date();
    const id = randomUUID();
    return Object.assign(new TriggerRunEntity(), {
      ...run,
      id,
      idempotency_key: `${run.idempotency_key}:dry_run:${id}`,
      source: 'retry',
      dry_run: true,
      status: 'succeeded',
      attempts: 0,
      next_attempt_at: null,
      error: null,
      result: { would_send: [{ service: 'slack', operation: 'post_message', payload }] },
      steps: [],
      payload: { ...payload },
      created_at: now,
      started_at: now,
      finished_at: now,
    } satisfies TriggerRunEntity);
  }
}

function parseDate(value: string | undefined, path: string, issues: ValidationIssue[]): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    issues.push({ path, message: `${path} must be a date or date-time`, code: 'isDate' });
    return undefined;
  }
  return date;
}
