import { randomUUID } from 'node:crypto';
import { WEBHOOK_EVENT_TYPE_OF_SUBJECT, type MessageEnvelope } from '@crm/contracts';
import { leadIdOf, webhookEventOf } from './webhook-event';

const envelope = (data: object): MessageEnvelope<object> => ({
  id: randomUUID(),
  type: 'x',
  occurred_at: '2026-12-03T10:00:00.000Z',
  producer: 'leads',
  correlation_id: randomUUID(),
  causation_id: null,
  idempotency_key: null,
  data,
});

describe('webhookEventOf (api.md §19 wire format)', () => {
  it('knows the data fields of every event type the service consumes, and of webhook.test', () => {
    for (const type of [...Object.values(WEBHOOK_EVENT_TYPE_OF_SUBJECT), 'webhook.test']) {
      expect(() => webhookEventOf(type, envelope({}))).not.toThrow();
    }
    expect(() => webhookEventOf('lead.merged', envelope({}))).toThrow(/no api.md §19 data fields/);
  });

  it('keeps the envelope id and time, and only the listed fields (missing ones as null)', () => {
    const source = envelope({
      lead_id: 'l1',
      version: 7,
      scores: { total: 5 },
      points_applied: 3,
      scored_at: 'x',
      tier: 'warm',
    });
    const event = webhookEventOf('lead.scored', source);
    expect(event).toMatchObject({
      id: source.id,
      type: 'lead.scored',
      timestamp: '2026-12-03T10:00:00.000Z',
    });
    expect(Object.keys(event.data)).toEqual([
      'lead_id',
      'email',
      'scores',
      'previous_total',
      'tier',
      'previous_tier',
      'tier_changed',
      'reason',
      'event_id',
    ]);
    expect(event.data).toMatchObject({ lead_id: 'l1', email: null, scores: { total: 5 }, tier: 'warm' });
    expect(leadIdOf(event)).toBe('l1');
  });

  it('sends deal.lost with the deal.won fields and task.completed with the task.created ones', () => {
    const won = webhookEventOf('deal.won', envelope({ deal_id: 'd' }));
    const lost = webhookEventOf('deal.lost', envelope({ deal_id: 'd' }));
    expect(Object.keys(lost.data)).toEqual(Object.keys(won.data));
    const created = webhookEventOf('task.created', envelope({ task_id: 't' }));
    expect(Object.keys(webhookEventOf('task.completed', envelope({})).data)).toEqual(
      Object.keys(created.data),
    );
    expect(leadIdOf(webhookEventOf('lead_import.completed', envelope({ batch_id: 'b' })))).toBeNull();
  });
});
