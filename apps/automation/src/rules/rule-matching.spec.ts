import type { LeadEventRecordedV1 } from '@crm/contracts';
import { eventMatches } from './rule-matching';

const event = (overrides: Partial<LeadEventRecordedV1>): LeadEventRecordedV1 => ({
  event_id: 'e1',
  lead_id: 'l1',
  lead_created: false,
  event_type: 'page_visited',
  event_category: null,
  source: 'website',
  occurred_at: '2026-12-03T10:00:00.000Z',
  metadata: { page_path: '/pricing', tags: ['a', 'b'] },
  campaign_id: null,
  ...overrides,
});

describe('event rule matching (api.md §12: equality)', () => {
  it('matches every key given, metadata values compared as values', () => {
    const config = { event_type: 'page_visited', source: 'website', metadata: { page_path: '/pricing' } };
    expect(eventMatches(config, event({}))).toBe(true);
    expect(eventMatches({ metadata: { tags: ['a', 'b'] }, event_type: 'page_visited' }, event({}))).toBe(
      true,
    );
    expect(eventMatches(config, event({ source: 'portal' }))).toBe(false);
    expect(eventMatches(config, event({ metadata: { page_path: '/pricing/16s' } }))).toBe(false);
    expect(eventMatches(config, event({ event_type: 'demo_requested' }))).toBe(false);
  });
});
