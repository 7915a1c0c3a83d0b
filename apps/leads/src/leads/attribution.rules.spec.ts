import { planAttribution, touchCampaign, type AttributionFields } from './attribution.rules';

const EMPTY: AttributionFields = {
  firstTouchSource: null,
  firstTouchCampaign: null,
  firstTouchDate: null,
  lastTouchSource: null,
  lastTouchCampaign: null,
  lastTouchDate: null,
  lastActivity: null,
};

const at = (iso: string) => new Date(iso);

describe('planAttribution', () => {
  it('sets first touch, last touch and last activity for the first event', () => {
    const occurredAt = at('2025-03-01T10:00:00.000Z');
    expect(planAttribution(EMPTY, { source: 'website', campaign: 'spring', occurredAt })).toEqual({
      firstTouchSource: 'website',
      firstTouchCampaign: 'spring',
      firstTouchDate: occurredAt,
      lastTouchSource: 'website',
      lastTouchCampaign: 'spring',
      lastTouchDate: occurredAt,
      lastActivity: occurredAt,
    });
  });

  const afterTwoEvents: AttributionFields = {
    firstTouchSource: 'ads',
    firstTouchCampaign: 'c1',
    firstTouchDate: at('2025-03-01T00:00:00.000Z'),
    lastTouchSource: 'lemlist',
    lastTouchCampaign: 'c2',
    lastTouchDate: at('2025-03-10T00:00:00.000Z'),
    lastActivity: at('2025-03-10T00:00:00.000Z'),
  };

  it('moves only the last touch and last activity for a later event', () => {
    const occurredAt = at('2025-03-20T00:00:00.000Z');
    expect(planAttribution(afterTwoEvents, { source: 'portal', campaign: null, occurredAt })).toEqual({
      lastTouchSource: 'portal',
      lastTouchCampaign: null,
      lastTouchDate: occurredAt,
      lastActivity: occurredAt,
    });
  });

  it('moves only the first touch for an event older than everything seen (late arrival)', () => {
    const occurredAt = at('2024-12-24T00:00:00.000Z');
    expect(planAttribution(afterTwoEvents, { source: 'conference', campaign: 'xmas', occurredAt })).toEqual({
      firstTouchSource: 'conference',
      firstTouchCampaign: 'xmas',
      firstTouchDate: occurredAt,
    });
  });

  it('changes nothing for an event between first and last touch, or at the same instant', () => {
    expect(
      planAttribution(afterTwoEvents, {
        source: 'website',
        campaign: null,
        occurredAt: at('2025-03-05T00:00:00.000Z'),
      }),
    ).toEqual({});
    expect(
      planAttribution(afterTwoEvents, {
        source: 'website',
        campaign: null,
        occurredAt: at('2025-03-10T00:00:00.000Z'),
      }),
    ).toEqual({});
  });

  it('compares instants, not strings: an offset time is placed correctly', () => {
    // 2025-03-10T01:00:00+02:00 is 2025-03-09T23:00Z: before the stored last touch.
    const occurredAt = new Date('2025-03-10T01:00:00+02:00');
    expect(planAttribution(afterTwoEvents, { source: 'website', campaign: null, occurredAt })).toEqual({});
  });
});

describe('touchCampaign', () => {
  it('uses the campaign id, else the UTM campaign, else null', () => {
    expect(touchCampaign({ campaign_id: 'c-1', utm_campaign: 'u-1' })).toBe('c-1');
    expect(touchCampaign({ campaign_id: null, utm_campaign: 'u-1' })).toBe('u-1');
    expect(touchCampaign({})).toBeNull();
  });
});
