import { randomUUID } from 'node:crypto';
import type { DealStageChangedV1, TaskChangedV1 } from '@crm/contracts';

/** A stage change as leads publishes it, snapshots with personal data included. */
export function stageChanged(overrides: Partial<DealStageChangedV1> = {}): DealStageChangedV1 {
  return {
    deal_id: randomUUID(),
    lead_id: randomUUID(),
    pipeline_id: randomUUID(),
    stage_history_id: randomUUID(),
    from_stage_id: randomUUID(),
    from_stage_slug: 'new',
    to_stage_id: randomUUID(),
    to_stage_slug: 'qualified',
    to_stage_type: null,
    status: 'open',
    moved_by: { type: 'user', id: randomUUID(), name: 'Erika Mustermann' },
    reason: 'move',
    time_in_previous_stage_seconds: 3600,
    occurred_at: new Date().toISOString(),
    deal: { name: 'Acme sequencing', value: 1200, currency: 'EUR', assigned_to: null },
    lead: {
      email: 'jane@example.com',
      first_name: 'Jane',
      last_name: 'Doe',
      source: 'web',
      primary_intent: null,
    },
    pipeline_name: 'Research',
    to_stage_name: 'Qualified',
    ...overrides,
  };
}

export function taskCreated(): TaskChangedV1 {
  return {
    task_id: randomUUID(),
    lead_id: randomUUID(),
    deal_id: null,
    title: 'Call back',
    task_type: 'call',
    assigned_to: null,
    due_date: null,
    priority: 'medium',
    status: 'open',
    created_by: null,
  };
}
