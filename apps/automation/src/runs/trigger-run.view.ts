import type { TriggerRunView } from '@crm/contracts';
import type { TriggerRunEntity } from './trigger-run.entity';

const iso = (date: Date | null): string | null => (date ? new Date(date).toISOString() : null);

export function toRunView(
  run: TriggerRunEntity,
): TriggerRunView & { payload: Record<string, unknown> | null } {
  return {
    id: run.id,
    trigger_id: run.trigger_id,
    trigger_name: run.trigger_name,
    action: run.action,
    on: run.on,
    stage_id: run.stage_id,
    deal_id: run.deal_id,
    lead_id: run.lead_id,
    stage_history_id: run.stage_history_id,
    idempotency_key: run.idempotency_key,
    source: run.source,
    dry_run: run.dry_run,
    status: run.status,
    attempts: run.attempts,
    max_attempts: run.max_attempts,
    next_attempt_at: iso(run.next_attempt_at),
    error: run.error,
    result: run.result,
    steps: run.steps ?? [],
    payload: run.payload,
    created_at: iso(run.created_at)!,
    started_at: iso(run.started_at),
    finished_at: iso(run.finished_at),
  };
}
