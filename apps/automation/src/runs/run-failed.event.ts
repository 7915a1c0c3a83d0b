import type { TriggerRunFailedV1 } from '@crm/contracts';
import type { TriggerRunEntity } from './trigger-run.entity';

/**
 * api.md §19 `trigger_run.failed` for a run that just ended failed. Final: the executors retry on their own before
 * they report a failure, so nothing retries a failed run but a person.
 */
export function runFailedEvent(run: TriggerRunEntity): TriggerRunFailedV1 {
  return {
    run_id: run.id,
    trigger_id: run.trigger_id,
    action: run.action,
    stage_id: run.stage_id,
    deal_id: run.deal_id,
    lead_id: run.lead_id,
    attempts: run.attempts,
    error: { code: run.error?.code ?? 'unknown', message: run.error?.message ?? 'The run failed' },
    final: true,
  };
}
