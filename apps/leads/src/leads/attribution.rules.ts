/** Attribution by event time (product.md): arrival order never matters. */

export interface AttributionFields {
  firstTouchSource: string | null;
  firstTouchCampaign: string | null;
  firstTouchDate: Date | null;
  lastTouchSource: string | null;
  lastTouchCampaign: string | null;
  lastTouchDate: Date | null;
  lastActivity: Date | null;
}

export interface Touch {
  source: string;
  campaign: string | null;
  occurredAt: Date;
}

/** The campaign a touch is attributed to: the producer's campaign id, else the UTM campaign. */
export function touchCampaign(event: {
  campaign_id?: string | null;
  utm_campaign?: string | null;
}): string | null {
  return event.campaign_id || event.utm_campaign || null;
}

/**
 * First touch = the earliest event ever seen, last touch = the latest, last activity = the latest event time.
 * Ties keep what is stored, so replays and duplicates change nothing.
 */
export function planAttribution(current: AttributionFields, touch: Touch): Partial<AttributionFields> {
  const patch: Partial<AttributionFields> = {};
  const at = touch.occurredAt.getTime();
  if (current.firstTouchDate === null || at < current.firstTouchDate.getTime()) {
    patch.firstTouchSource = touch.source;
    patch.firstTouchCampaign = touch.campaign;
    patch.firstTouchDate = touch.occurredAt;
  }
  if (current.lastTouchDate === null || at > current.lastTouchDate.getTime()) {
    patch.lastTouchSource = touch.source;
    patch.lastTouchCampaign = touch.campaign;
    patch.lastTouchDate = touch.occurredAt;
  }
  if (current.lastActivity === null || at > current.lastActivity.getTime()) {
    patch.lastActivity = touch.occurredAt;
  }
  return patch;
}
