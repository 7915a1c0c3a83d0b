import { Subjects, type LeadScoredV1, type MessageEnvelope, type ScoreTier } from '@crm/contracts';
import { escapeMrkdwn } from './alert-messages';
import { hotLeadAlert } from './alert-rules';

const LEAD_ID = '7a1e4d9c-0b1f-4c3e-9a55-2f1b6a0c8d11';

function scoredEnvelope(previous: ScoreTier, tier: ScoreTier): MessageEnvelope<LeadScoredV1> {
  return {
    id: 'e1',
    type: Subjects.LeadScored,
    occurred_at: '2026-12-03T10:00:00.000Z',
    producer: 'scoring',
    correlation_id: 'c1',
    causation_id: null,
    idempotency_key: null,
    data: {
      lead_id: LEAD_ID,
      version: 3,
      scores: { demographic: 10, engagement: 20, behavior: 30, total: 60 },
      previous_total: 30,
      tier,
      previous_tier: previous,
      tier_changed: previous !== tier,
      reason: 'event',
      event_id: null,
      points_applied: 30,
      scored_at: '2026-12-03T10:00:00.000Z',
    },
  };
}

describe('hot lead alerts', () => {
  const tiers: ScoreTier[] = ['cold', 'warm', 'hot', 'very_hot'];

  it('fire only on an upward crossing into hot or very_hot, keyed by lead and tier reached', () => {
    const fired: string[] = [];
    for (const previous of tiers) {
      for (const tier of tiers) {
        const alert = hotLeadAlert(scoredEnvelope(previous, tier), null);
        if (alert) fired.push(`${previous}->${tier}:${alert.key}`);
      }
    }
    expect(fired).toEqual([
      `cold->hot:hot_lead:${LEAD_ID}:hot`,
      `cold->very_hot:hot_lead:${LEAD_ID}:very_hot`,
      `warm->hot:hot_lead:${LEAD_ID}:hot`,
      `warm->very_hot:hot_lead:${LEAD_ID}:very_hot`,
      `hot->very_hot:hot_lead:${LEAD_ID}:very_hot`,
    ]);
  });

  it('carry an "Open lead" button only when the CRM app URL is known', () => {
    const links = { lead: (id: string) => `https://crm.test/leads/${id}`, deal: (id: string) => id };
    const withLink = hotLeadAlert(scoredEnvelope('warm', 'hot'), links);
    expect(withLink?.message.blocks.at(-1)).toMatchObject({
      type: 'actions',
      elements: [{ url: `https://crm.test/leads/${LEAD_ID}` }],
    });
    const without = hotLeadAlert(scoredEnvelope('warm', 'hot'), null);
    expect(without?.message.blocks.some((b) => b.type === 'actions')).toBe(false);
  });
});

describe('escapeMrkdwn', () => {
  it('escapes the characters Slack reads as links and mentions', () => {
    expect(escapeMrkdwn('<!channel> & <https://x|y>')).toBe('&lt;!channel&gt; &amp; &lt;https://x|y&gt;');
  });
});
