import { randomUUID } from 'node:crypto';
import { Subjects, type MessageEnvelope, type PayloadOf, type TaskChangedV1 } from '@crm/contracts';
import { crmActivityRowOf, type CrmActivitySubject } from './crm-activity.rules';

const envelopeOf = <S extends CrmActivitySubject>(
  subject: S,
  data: PayloadOf[S],
): MessageEnvelope<PayloadOf[S]> => ({
  id: randomUUID(),
  type: subject,
  occurred_at: '2025-03-01T10:00:00.000Z',
  producer: 'leads',
  correlation_id: 'corr-1',
  causation_id: null,
  idempotency_key: null,
  data,
});

const task = (overrides: Partial<TaskChangedV1> = {}): TaskChangedV1 => ({
  task_id: randomUUID(),
  lead_id: randomUUID(),
  deal_id: null,
  title: 'Call',
  task_type: null,
  assigned_to: null,
  due_date: null,
  priority: 'medium',
  status: 'open',
  created_by: 'lena@dna-me.example',
  ...overrides,
});

describe('CRM activity rows', () => {
  const now = new Date('2025-03-01T10:00:01.000Z');

  it('keys the row by the domain event id, under source crm, at the time the event names', () => {
    const envelope = envelopeOf(Subjects.LeadCreated, {
      lead_id: randomUUID(),
      email: 'ada@lab.example',
      first_name: 'Ada',
      last_name: null,
      organization_id: null,
      first_touch_source: 'website',
      first_touch_campaign: null,
      created_at: '2025-03-01T09:59:59.000Z',
    });
    const row = crmActivityRowOf(Subjects.LeadCreated, envelope, now)!;
    expect(row).toMatchObject({
      eventId: envelope.id,
      leadId: envelope.data.lead_id,
      eventType: 'lead_created',
      eventCategory: 'activity',
      source: 'crm',
      occurredAt: new Date('2025-03-01T09:59:59.000Z'),
      receivedAt: now,
      correlationId: 'corr-1',
    });
    // The lead's personal data stays on the lead (the feed joins it), not in the row.
    expect(JSON.stringify(row.metadata)).not.toMatch(/ada|Ada/);
  });

  it("files routing's first-contact tasks under system, a person's tasks and every completion under activity", () => {
    const routed = task({ created_by: 'routing', task_type: 'first_contact' });
    expect(
      crmActivityRowOf(Subjects.TaskCreated, envelopeOf(Subjects.TaskCreated, routed), now),
    ).toMatchObject({
      eventType: 'task_created',
      eventCategory: 'system',
      occurredAt: new Date('2025-03-01T10:00:00.000Z'),
    });
    expect(
      crmActivityRowOf(Subjects.TaskCreated, envelopeOf(Subjects.TaskCreated, task()), now),
    ).toMatchObject({
      eventCategory: 'activity',
    });
    const done = { ...routed, status: 'completed' as const };
    expect(
      crmActivityRowOf(Subjects.TaskCompleted, envelopeOf(Subjects.TaskCompleted, done), now),
    ).toMatchObject({ eventType: 'task_completed', eventCategory: 'activity' });
  });

  it('writes no row for a task of no lead', () => {
    const orphan = task({ lead_id: null });
    expect(crmActivityRowOf(Subjects.TaskCreated, envelopeOf(Subjects.TaskCreated, orphan), now)).toBeNull();
  });

  it('files automatic routing under system and a person routing under activity', () => {
    const routed = (routed_by: 'auto' | 'manual') =>
      crmActivityRowOf(
        Subjects.LeadRouted,
        envelopeOf(Subjects.LeadRouted, {
          lead_id: randomUUID(),
          email: null,
          pipeline_id: randomUUID(),
          pipeline_slug: 'research-lab',
          pipeline_name: 'Research Lab',
          deal_id: randomUUID(),
          assigned_to: null,
          assigned_to_email: null,
          primary_intent: 'research',
          intent_confidence: 80,
          total_score: 70,
          routed_by,
          routed_at: '2025-03-01T09:00:00.000Z',
        }),
        now,
      )!;
    expect(routed('auto')).toMatchObject({ eventType: 'lead_routed', eventCategory: 'system' });
    expect(routed('manual').eventCategory).toBe('activity');
    expect(routed('auto').metadata).not.toHaveProperty('assigned_to_email');
  });
});
