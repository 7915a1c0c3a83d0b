import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { InvalidMessageError, parseEnvelope } from './envelope';
import { PayloadClasses } from './message-types';
import { Subjects } from './subjects';

const payloadClass = PayloadClasses[Subjects.LeadScored];

function envelope(overrides: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    type: Subjects.LeadScored,
    occurred_at: '2026-12-02T10:00:00.000Z',
    producer: 'scoring',
    correlation_id: 'corr-1',
    causation_id: null,
    idempotency_key: null,
    data: {
      lead_id: randomUUID(),
      version: 2,
      scores: { demographic: 0, engagement: 1, behavior: 2, total: 3 },
      previous_total: 1,
      tier: 'cold',
      previous_tier: 'cold',
      tier_changed: false,
      reason: 'event',
      event_id: randomUUID(),
      points_applied: 2,
      scored_at: '2026-12-02T10:00:00.000Z',
    },
    ...overrides,
  };
}

function issuesOf(raw: unknown): string[] {
  try {
    parseEnvelope(typeof raw === 'string' ? raw : JSON.stringify(raw), payloadClass);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMessageError);
    return (error as InvalidMessageError).issues.map((i) => `${i.path}:${i.code}`);
  }
  return [];
}

describe('parseEnvelope', () => {
  it('returns the envelope with its payload as a validated instance', () => {
    const plain = envelope();
    const parsed = parseEnvelope(JSON.stringify(plain), payloadClass);
    expect(parsed.id).toBe(plain.id);
    expect(parsed.data).toBeInstanceOf(payloadClass);
    expect(parsed.data).toMatchObject({ version: 2, tier: 'cold' });
  });

  it('names every envelope field that is wrong', () => {
    expect(issuesOf('{not json')).toEqual([':json']);
    expect(issuesOf([1])).toEqual([':isObject']);
    expect(
      issuesOf(
        envelope({
          id: 'nope',
          type: 7,
          occurred_at: '2026-02-30T10:00:00Z',
          producer: 'x'.repeat(101),
          correlation_id: undefined,
          causation_id: 5,
          data: [],
        }),
      ),
    ).toEqual([
      'id:isUuid',
      'type:isString',
      'occurred_at:isIso8601',
      'producer:maxLength',
      'correlation_id:isString',
      'causation_id:isString',
      'data:isObject',
    ]);
    expect(issuesOf(envelope({ data: null }))).toEqual(['data:isDefined']);
  });

  it('prefixes payload problems with data.', () => {
    const plain = envelope();
    (plain.data as Record<string, unknown>).lead_id = 'not-a-uuid';
    expect(issuesOf(plain)).toEqual(['data.lead_id:isUuid']);
  });
});
