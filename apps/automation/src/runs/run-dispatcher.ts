import { Injectable } from '@nestjs/common';
import type { TriggerRunStepView } from '@crm/contracts';
import { Outbox, type OutboxMessage } from '@crm/messaging';
import { maxAttemptsOf, type ActionCommand } from './action-commands';
import type { TriggerRunEntity } from './trigger-run.entity';

/** What a run stores as its payload: the commands it sent, for the run log, results and retries. */
export interface RunPayload {
  commands: ActionCommand[];
}

export function commandsOf(run: TriggerRunEntity): ActionCommand[] {
  return ((run.payload as RunPayload | null)?.commands ?? []).slice();
}

/**
 * Hands a run's commands to the services that execute them, through the outbox (so a command leaves only if
 * the run is committed), and records one running step per command.
 */
@Injectable()
export class RunDispatcher {
  constructor(private readonly outbox: Outbox) {}

  /**
   * Marks the run running and sends the commands under their idempotency keys. A retry passes only the commands
   * that have not succeeded, with `stepSuffix` naming the attempt; the run keeps all of them.
   */
  async dispatch(run: TriggerRunEntity, commands: readonly ActionCommand[], stepSuffix = ''): Promise<void> {
    const now = new Date();
    const steps: TriggerRunStepView[] = commands.map((command) => ({
      name: `${command.step}${stepSuffix}`,
      status: 'running',
      // The first delivery happens now; the result event reports the real count.
      attempts: 1,
      external_id: null,
      error: null,
      started_at: now.toISOString(),
      finished_at: null,
    }));
    if (!run.payload || !commandsOf(run).length) run.payload = { commands: [...commands] };
    run.steps = [...(run.steps ?? []), ...steps];
    run.status = 'running';
    run.attempts = totalAttempts(run.steps);
    run.max_attempts = maxAttemptsOf(commandsOf(run));
    run.error = null;
    run.next_attempt_at = null;
    run.started_at = run.started_at ?? now;
    run.finished_at = null;
    // A command's payload was built for its subject (action-commands.ts); the outbox validates it against it.
    await this.outbox.publishMany(
      commands.map(
        (command) =>
          ({
            subject: command.subject,
            data: command.payload,
            options: { idempotencyKey: command.idempotency_key },
          }) as unknown as OutboxMessage,
      ),
    );
  }
}

export function totalAttempts(steps: TriggerRunStepView[]): number {
  return steps.reduce((sum, step) => sum + step.attempts, 0);
}

/** The steps of one command: its first dispatch and its retries. */
export function isStepOf(step: TriggerRunStepView, command: ActionCommand): boolean {
  return step.name === command.step || step.name.startsWith(`${command.step} (retry `);
}

/** The error of a run whose action has no executor yet (api.md §9: never a fake success). */
export function notAvailableError(action: string) {
  return { code: 'not_available', message: `${action} is not available yet`, retryable: false };
}
