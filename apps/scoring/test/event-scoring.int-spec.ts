import { randomUUID } from 'node:crypto';
import { recordedEvent, ScoringTestHarness } from './support/scoring-test-harness';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

describe('scoring of recorded lead events (real PostgreSQL + NATS)', () => {
  const harness = new ScoringTestHarness();

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  it('scores the issue flow: /enterprise visit, ROI calculator, demo request → 82 points, hot', async () => {
    const leadId = randomUUID();
    const visit = await harness.record(
      recordedEvent(leadId, { lead_created: true, minutesAgo: 3, metadata: { page_path: '/enterprise' } }),
    );
    const roi = await harness.record(
      recordedEvent(leadId, {
        event_type: 'roi_calculator_submitted',
        minutesAgo: 2,
        metadata: { samples_per_month: 250 },
      }),
    );
    const demo = await harness.record(recordedEvent(leadId, { event_type: 'demo_requested', minutesAgo: 1 }));

    const ledger = await harness.ledger(leadId);
    expect(
      ledger.map((r) => [r.rule_slug, r.event_id, r.category, r.points, r.rule_version, r.expired, r.reason]),
    ).toEqual([
      ['eng-page-visit', visit.data.event_id, 'engagement', 2, 1, false, 'event'],
      ['beh-roi-calculator', roi.data.event_id, 'behavior', 30, 1, false, 'event'],
      ['beh-demo-request', demo.data.event_id, 'behavior', 50, 1, false, 'event'],
    ]);
    // expires_at = the event's time + decay_days; demo requests never expire.
    expect(ledger[0].expires_at!.getTime()).toBe(Date.parse(visit.data.occurred_at) + 30 * DAY_MS);
    expect(ledger[1].expires_at!.getTime()).toBe(Date.parse(roi.data.occurred_at) + 60 * DAY_MS);
    expect(ledger[2].expires_at).toBeNull();
    expect(ledger[0].occurred_at.toISOString()).toBe(visit.data.occurred_at);

    expect(await harness.leadScore(leadId)).toEqual({
      demographic: 0,
      engagement: 2,
      behavior: 80,
      total: 82,
      tier: 'hot',
      version: 3,
    });

    const scored = await harness.waitScored(leadId, 3);
    expect(
      scored.map((s) => [s.version, s.event_id, s.points_applied, s.previous_total, s.scores.total]),
    ).toEqual([
      [1, visit.data.event_id, 2, 0, 2],
      [2, roi.data.event_id, 30, 2, 32],
      [3, demo.data.event_id, 50, 32, 82],
    ]);
    expect(scored[2]).toMatchObject({
      lead_id: leadId,
      scores: { demographic: 0, engagement: 2, behavior: 80, total: 82 },
      tier: 'hot',
      previous_tier: 'cold',
      tier_changed: true,
      reason: 'event',
    });
    expect(scored[0]).toMatchObject({ tier: 'cold', previous_tier: 'cold', tier_changed: false });
  });

  it('gives a /pricing visit both the page-visit and the pricing-page points', async () => {
    const leadId = randomUUID();
    const visit = await harness.record(
      recordedEvent(leadId, { lead_created: true, metadata: { page_path: '/pricing' } }),
    );

    expect((await harness.ledger(leadId)).map((r) => [r.rule_slug, r.points])).toEqual([
      ['eng-page-visit', 2],
      ['eng-pricing-page', 15],
    ]);
    const [scored] = await harness.waitScored(leadId, 1);
    expect(scored).toMatchObject({
      event_id: visit.data.event_id,
      points_applied: 17,
      scores: { demographic: 0, engagement: 17, behavior: 0, total: 17 },
      tier: 'cold',
    });
  });

  it('scores a demo request once per lead (max_per_lead 1) and emits nothing for the capped one', async () => {
    const leadId = randomUUID();
    const first = await harness.record(
      recordedEvent(leadId, { event_type: 'demo_requested', minutesAgo: 10 }),
    );
    await harness.record(recordedEvent(leadId, { event_type: 'demo_requested', minutesAgo: 5 }));
    // A later, scoring event shows which versions were emitted in between.
    const sentinel = await harness.record(recordedEvent(leadId, { minutesAgo: 1 }));

    expect((await harness.ledger(leadId)).map((r) => [r.rule_slug, r.event_id, r.points])).toEqual([
      ['beh-demo-request', first.data.event_id, 50],
      ['eng-page-visit', sentinel.data.event_id, 2],
    ]);
    const scored = await harness.waitScored(leadId, 2);
    expect(scored.map((s) => [s.version, s.event_id, s.scores.behavior])).toEqual([
      [1, first.data.event_id, 50],
      [2, sentinel.data.event_id, 50],
    ]);
  });

  it('caps page visits at 10 in a rolling 24 h window by event time; one 25 h later applies again', async () => {
    const leadId = randomUUID();
    const start = Date.now() - 3 * DAY_MS;
    const visits = Array.from({ length: 11 }, (_, i) =>
      harness.envelope({
        ...recordedEvent(leadId, { metadata: { page_path: `/page-${i}` } }),
        occurred_at: new Date(start + i * 5 * MINUTE_MS).toISOString(),
      }),
    );
    await Promise.all(visits.map((v) => harness.publish(v)));
    await harness.waitProcessed(visits.map((v) => v.id));

    let ledger = await harness.ledger(leadId);
    expect(ledger).toHaveLength(10);
    expect(ledger.every((r) => r.rule_slug === 'eng-page-visit' && r.points === 2 && !r.expired)).toBe(true);

    await harness.record({
      ...recordedEvent(leadId),
      occurred_at: new Date(start + 25 * 60 * MINUTE_MS).toISOString(),
    });
    ledger = await harness.ledger(leadId);
    expect(ledger).toHaveLength(11);
    expect(await harness.leadScore(leadId)).toMatchObject({ engagement: 22, total: 22, tier: 'cold' });
  });

  it('writes points of an event older than decay_days as expired and does not count them', async () => {
    const leadId = randomUUID();
    const old = await harness.record(
      recordedEvent(leadId, {
        lead_created: true,
        minutesAgo: 40 * 24 * 60,
        metadata: { page_path: '/blog' },
      }),
    );

    const [row] = await harness.ledger(leadId);
    expect(row).toMatchObject({ rule_slug: 'eng-page-visit', points: 2, expired: true });
    expect(row.expired_at).toBeInstanceOf(Date);
    expect(row.expires_at!.getTime()).toBe(Date.parse(old.data.occurred_at) + 30 * DAY_MS);
    // A new lead always gets its score emitted, here with nothing that counts.
    const [scored] = await harness.waitScored(leadId, 1);
    expect(scored).toMatchObject({
      event_id: old.data.event_id,
      points_applied: 0,
      scores: { demographic: 0, engagement: 0, behavior: 0, total: 0 },
      tier: 'cold',
    });
    expect(await harness.leadScore(leadId)).toMatchObject({ total: 0, version: 1 });
  });

  it('handles the same message delivered twice (same envelope id) once', async () => {
    const leadId = randomUUID();
    const envelope = harness.envelope(recordedEvent(leadId, { metadata: { page_path: '/pricing' } }));
    await harness.publish(envelope);
    // Without Nats-Msg-Id the stream stores it again, so the consumer really receives it a second time.
    const second = await harness.publish(envelope, false);
    expect(second.duplicate).toBe(false);
    await harness.waitAcked(second.seq);
    const sentinel = await harness.record(recordedEvent(leadId));

    expect((await harness.ledger(leadId)).filter((r) => r.event_id === envelope.data.event_id)).toHaveLength(
      2,
    );
    const scored = await harness.waitScored(leadId, 2);
    expect(scored.map((s) => [s.version, s.event_id])).toEqual([
      [1, envelope.data.event_id],
      [2, sentinel.data.event_id],
    ]);
  });

  it('never applies a rule twice to one event, even when it arrives in a new envelope (inbox bypassed)', async () => {
    const leadId = randomUUID();
    const event = recordedEvent(leadId, { event_type: 'email_clicked' });
    await harness.record(event);
    await harness.record(event);
    const sentinel = await harness.record(recordedEvent(leadId, { event_type: 'email_opened' }));

    expect((await harness.ledger(leadId)).map((r) => [r.rule_slug, r.event_id])).toEqual([
      ['eng-email-click', event.event_id],
      ['eng-email-open', sentinel.data.event_id],
    ]);
    const scored = await harness.waitScored(leadId, 2);
    expect(scored.map((s) => [s.version, s.event_id, s.scores.total])).toEqual([
      [1, event.event_id, 8],
      [2, sentinel.data.event_id, 11],
    ]);
  });

  it('holds every cap exactly when 50 events of one lead are consumed concurrently', async () => {
    const leadId = randomUUID();
    const kinds = [
      ...Array.from({ length: 20 }, () => ({
        event_type: 'page_visited',
        metadata: { page_path: '/pricing' },
      })),
      ...Array.from({ length: 15 }, () => ({
        event_type: 'page_visited',
        metadata: { page_path: '/about' },
      })),
      ...Array.from({ length: 10 }, () => ({ event_type: 'demo_requested', metadata: {} })),
      ...Array.from({ length: 5 }, () => ({ event_type: 'roi_calculator_submitted', metadata: {} })),
    ];
    // Spread over two hours (one rolling day), interleaved so no kind arrives as one block.
    const envelopes = kinds
      .map((kind, i) => ({ kind, order: (i * 37) % kinds.length }))
      .sort((a, b) => a.order - b.order)
      .map(({ kind }, i) =>
        harness.envelope({ ...recordedEvent(leadId, { minutesAgo: 120 - i * 2 }), ...kind }),
      );
    await Promise.all(envelopes.map((e) => harness.publish(e)));
    await harness.waitProcessed(envelopes.map((e) => e.id));

    const ledger = await harness.ledger(leadId);
    expect((await harness.applicationsByRule([leadId])).get(leadId)).toEqual({
      'eng-page-visit': 10,
      'eng-pricing-page': 3,
      'beh-demo-request': 1,
      'beh-roi-calculator': 3,
    });

    const expected = { demographic: 0, engagement: 10 * 2 + 3 * 15, behavior: 50 + 3 * 30, total: 205 };
    const stored = await harness.leadScore(leadId);
    expect(stored).toMatchObject({ ...expected, tier: 'very_hot' });

    // One emission per event that applied something, versions without gaps, the last one carrying the totals.
    const emittingEvents = new Set(ledger.map((r) => r.event_id)).size;
    expect(stored!.version).toBe(emittingEvents);
    const scored = await harness.waitScored(leadId, emittingEvents);
    expect(scored.map((s) => s.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: emittingEvents }, (_, i) => i + 1),
    );
    expect(scored.reduce((sum, s) => sum + s.points_applied, 0)).toBe(205);
    const last = scored.find((s) => s.version === emittingEvents)!;
    expect(last).toMatchObject({ scores: expected, tier: 'very_hot' });
    // Each emission continues from the previous one: previous_total is the total of version − 1.
    const byVersion = new Map(scored.map((s) => [s.version, s]));
    for (const s of scored) {
      expect(s.previous_total).toBe(s.version === 1 ? 0 : byVersion.get(s.version - 1)!.scores.total);
    }
  });
});
