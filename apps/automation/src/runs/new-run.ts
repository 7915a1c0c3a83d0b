import { randomUUID } from 'node:crypto';
import { TriggerRunEntity } from './trigger-run.entity';

/** What says which run it is (api.md §9 run identity); the rest of a new run is the same for every source. */
export type RunIdentity = Pick<
  TriggerRunEntity,
  | 'trigger_id'
  | 'trigger_name'
  | 'action'
  | 'on'
  | 'stage_id'
  | 'deal_id'
  | 'lead_id'
  | 'stage_history_id'
  | 'source'
  | 'dry_run'
>;

/** A pending run, not yet dispatched; `idempotencyKey` may use the run's own id (manual runs do). */
export function newRun(
  identity: RunIdentity,
  idempotencyKey: (id: string) => string,
  now: Date,
): TriggerRunEntity {
  const id = randomUUID();
  return Object.assign(new TriggerRunEntity(), {
    ...identity,
    id,
    idempotency_key: idempotencyKey(id),
    status: 'pending',
    attempts: 0,
    // api.md §9's schedule; dispatching sets the executor's own count.
    max_attempts: 5,
    next_attempt_at: null,
    error: null,
    result: null,
    steps: [],
    payload: null,
    created_at: now,
    started_at: null,
    finished_at: null,
  } satisfies Omit<TriggerRunEntity, 'updated_at'>);
}
