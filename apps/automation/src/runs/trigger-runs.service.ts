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
import { wouldSend, type ActionCommand } from './action-commands';
import { commandsOf, isStepOf, RunDispatcher } from './run-dispatcher';
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
      const commands = commandsOf(run);
      if (!commands.length) {
        throw new DomainError(
          ErrorCode.RunNotRetryable,
          `${run.action} cannot be retried: the run sent nothing (it ${run.status === 'skipped' ? 'was skipped' : 'failed before sending'})`,
          409,
          { run_id: run.id, status: run.status },
        );
      }

      if (run.dry_run && !command.body?.dry_run && commands.some((c) => c.payload.reference !== run.id)) {
        throw new DomainError(
          ErrorCode.RunNotRetryable,
          'This dry run previews a retry of another run; retry that run instead',
          409,
          { run_id: run.id, status: run.status },
        );
      }

      if (command.body?.dry_run) {
        const preview = this.dryRunOf(run, commands);
        await this.runs.insert(preview);
        this.log.info({ run_id: run.id, dry_run_id: preview.id }, 'dry-run retry recorded');
        return { data: toRunView(preview) };
      }

      // Only what has not succeeded is sent again, under the same keys: a vendor never acts twice.
      const pending = commands.filter(
        (c) => (run.steps ?? []).findLast((step) => isStepOf(step, c))?.status !== 'succeeded',
      );
      const retryNumber = Math.max(
        ...pending.map((c) => (run.steps ?? []).filter((step) => isStepOf(step, c)).length),
      );
      run.dry_run = false;
      await this.dispatcher.dispatch(run, pending, ` (retry ${retryNumber})`);
      await this.runs.save(run);
      this.log.info(
        { run_id: run.id, actor_type: command.actor.type, actor_id: command.actor.id, retry: retryNumber },
        'trigger run retried',
      );
      return { data: toRunView(run) };
    });
  }

  /** A run that resolves everything and calls nothing (api.md §9 dry run): its own key, never executed. */
  private dryRunOf(run: TriggerRunEntity, commands: ActionCommand[]): TriggerRunEntity {
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
      result: { would_send: wouldSend(commands) },
      steps: [],
      payload: { commands },
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
