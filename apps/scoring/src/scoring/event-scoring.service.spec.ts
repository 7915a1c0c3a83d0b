import { randomUUID } from 'node:crypto';
import { Subjects, type LeadEventRecordedV1, type LeadScoredV1, type ScoreTotals } from '@crm/contracts';
import type { Outbox, PublishOptions } from '@crm/messaging';
import type { AppLogger, TransactionHost } from '@crm/service-kit';
import type { IntentDetectionService } from '../intent/intent-detection.service';
import type { LiveRulesCache } from '../rules/live-rules.cache';
import type { ScoredEventRepository } from './scored-event.repository';
import type { ScoringRule } from '../rules/scoring-rule.entity';
import { EventScoringService, type RecordedEventToScore } from './event-scoring.service';
import type { LeadScoreRepository } from './lead-score.repository';
import type { CapHistory, CapHistoryRequest } from './rule-application-plan';
import type { StoredScore } from './score-emission-plan';
import type { ScoreLedgerEntry } from './score-ledger-entry.entity';
import type { NewLedgerEntry, ScoreLedgerRepository } from './score-ledger.repository';
import { addPoints, zeroTotals } from './score-totals';

/** In-memory stand-ins with the repositories' contracts; the SQL versions run in test/*.int-spec.ts. */
class InMemoryLedger {
  rows: ScoreLedgerEntry[] = [];
  calls: string[] = [];

  expireDue = async (leadIds: string[], now: Date) => {
    this.calls.push('expireDue');
    for (const row of this.rows.filter(
      (r) => leadIds.includes(r.leadId) && !r.expired && r.expiresAt && r.expiresAt <= now,
    ))
      Object.assign(row, { expired: true, expiredAt: now });
  };

  capHistory = async (request: CapHistoryRequest): Promise<CapHistory> => {
    this.calls.push('capHistory');
    const of = (leadId: string, ruleId: string) =>
      this.rows.filter((r) => r.leadId === leadId && r.ruleId === ruleId);
    return {
      lifetimeCounts: request.lifetimePairs.map((p) => ({ ...p, count: of(p.leadId, p.ruleId).length })),
      applicationTimes: request.windows.flatMap((w) =>
        of(w.leadId, w.ruleId)
          .filter((r) => r.occurredAt > w.after && r.occurredAt < w.before)
          .map((r) => ({ leadId: r.leadId, ruleId: r.ruleId, occurredAt: r.occurredAt })),
      ),
      appliedEventRules: request.eventRules.filter((e) =>
        this.rows.some((r) => r.eventId === e.eventId && r.ruleId === e.ruleId),
      ),
    };
  };

  insertMany = async (entries: NewLedgerEntry[]) => {
    this.calls.push('insertMany');
    const inserted: { eventId: string; ruleId: string }[] = [];
    for (const entry of entries) {
      if (this.rows.some((r) => r.eventId === entry.eventId && r.ruleId === entry.ruleId)) continue;
      this.rows.push({ ...entry, id: randomUUID(), createdAt: new Date() });
      inserted.push({ eventId: entry.eventId!, ruleId: entry.ruleId });
    }
    return inserted;
  };

  sumLive = async (leadIds: string[]) => {
    this.calls.push('sumLive');
    const totals = new Map<string, ScoreTotals>(leadIds.map((id) => [id, zeroTotals()]));
    for (const r of this.rows.filter((row) => leadIds.includes(row.leadId) && !row.expired))
      totals.set(r.leadId, addPoints(totals.get(r.leadId)!, r.category, r.points));
    return totals;
  };
}

class InMemoryLeadScores {
  rows = new Map<string, StoredScore>();
  calls: string[] = [];

  lockForScoring = async (leadIds: string[]) => {
    this.calls.push('lockForScoring');
    for (const leadId of leadIds) {
      if (!this.rows.has(leadId))
        this.rows.set(leadId, {
          totals: zeroTotals(),
          tier: 'cold',
          version: 0,
          intent: { research: 0, b2b: 0, co_creation: 0 },
        });
    }
    return new Map(leadIds.map((leadId) => [leadId, structuredClone(this.rows.get(leadId)!)]));
  };

  saveScores = async (scores: { leadId: string; score: StoredScore }[]) => {
    this.calls.push('saveScores');
    for (const { leadId, score } of scores) this.rows.set(leadId, structuredClone(score));
  };
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

function rule(slug: string, overrides: Partial<ScoringRule>): ScoringRule {
  return {
    id: randomUUID(),
    slug,
    name: slug,
    description: null,
    isActive: true,
    priority: 10,
    ruleType: 'event',
    category: 'engagement',
    conditions: { event_type: 'page_visited' },
    points: 1,
    maxPerDay: null,
    maxPerLead: null,
    decayDays: null,
    version: 1,
    createdAt: new Date(),
    updatedAt: new Date(),
    archivedAt: null,
    archivedBy: null,
    ...overrides,
  };
}

describe('EventScoringService', () => {
  const pageVisit = rule('eng-page-visit', { points: 2, maxPerDay: 10, decayDays: 30 });
  const pricing = rule('eng-pricing-page', {
    points: 15,
    maxPerDay: 3,
    decayDays: 14,
    conditions: { event_type: 'page_visited', metadata: { page_path: '/pricing' } },
  });
  const demo = rule('beh-demo-request', {
    points: 50,
    maxPerLead: 1,
    category: 'behavior',
    conditions: { event_type: 'demo_requested' },
  });

  let ledger: InMemoryLedger;
  let leadScores: InMemoryLeadScores;
  let published: { subject: string; payload: LeadScoredV1; flow?: string }[];
  let ruleLoads: number;
  let service: EventScoringService;
  const leadId = randomUUID();

  beforeEach(() => {
    ledger = new InMemoryLedger();
    leadScores = new InMemoryLeadScores();
    published = [];
    ruleLoads = 0;
    const tx = { transaction: <T>(work: () => Promise<T>) => work() } as unknown as TransactionHost;
    const liveRules = {
      current: async () => {
        ruleLoads++;
        return { event: [pageVisit, pricing, demo], field: [], intentEvent: [], intentField: [] };
      },
    } as unknown as LiveRulesCache;
    const outbox = {
      publishMany: async (messages: { subject: string; data: LeadScoredV1; options?: PublishOptions }[]) =>
        void published.push(
          ...messages.map(({ subject, data, options }) => ({
            subject,
            payload: data,
            flow: options?.causedBy?.id,
          })),
        ),
    } as unknown as Outbox;
    const logger = { child: () => ({ debug: () => undefined }) } as unknown as AppLogger;
    service = new EventScoringService(
      tx,
      liveRules,
      ledger as unknown as ScoreLedgerRepository,
      leadScores as unknown as LeadScoreRepository,
      outbox,
      // Intent detection is covered by intent-detection.int-spec.ts; here no event gives a signal.
      {
        detectForEvents: async (events: unknown[]) => events.map(() => []),
      } as unknown as IntentDetectionService,
      // The replay store is covered by recalculation.int-spec.ts.
      { insertMany: async () => undefined } as unknown as ScoredEventRepository,
      logger,
    );
  });

  const scoreOne = async (event: LeadEventRecordedV1) => (await service.scoreRecordedEvents([{ event }]))[0];

  /** Each event carried by a message whose id is its event id. */
  const inFlows = (events: LeadEventRecordedV1[]): RecordedEventToScore[] =>
    events.map((event) => ({
      event,
      causedBy: { id: event.event_id, correlation_id: `corr-${event.event_id}` },
    }));

  function recorded(overrides: Partial<LeadEventRecordedV1> = {}): LeadEventRecordedV1 {
    return {
      event_id: randomUUID(),
      lead_id: leadId,
      lead_created: false,
      event_type: 'page_visited',
      event_category: null,
      source: 'website',
      occurred_at: new Date().toISOString(),
      metadata: {},
      campaign_id: null,
      ...overrides,
    };
  }

  it('applies every matching rule, writes a ledger row each, and emits the new totals', async () => {
    const event = recorded({ metadata: { page_path: '/pricing' } });
    const result = await scoreOne(event);

    expect(result.outcomes).toEqual([
      { slug: 'eng-page-visit', outcome: 'applied' },
      { slug: 'eng-pricing-page', outcome: 'applied' },
    ]);
    expect(ledger.rows.map((r) => [r.ruleSlug, r.points, r.eventId, r.reason])).toEqual([
      ['eng-page-visit', 2, event.event_id, 'event'],
      ['eng-pricing-page', 15, event.event_id, 'event'],
    ]);
    expect(ledger.rows[1].expiresAt?.getTime()).toBe(Date.parse(event.occurred_at) + 14 * DAY);
    expect(published).toEqual([
      {
        subject: Subjects.LeadScored,
        payload: expect.objectContaining({
          lead_id: leadId,
          version: 1,
          scores: { demographic: 0, engagement: 17, behavior: 0, total: 17 },
          previous_total: 0,
          tier: 'cold',
          previous_tier: 'cold',
          tier_changed: false,
          reason: 'event',
          event_id: event.event_id,
          points_applied: 17,
        }),
      },
    ]);
  });

  it('reports tier changes against the stored score and bumps the version per emission', async () => {
    await scoreOne(recorded({ event_type: 'demo_requested' }));
    const second = await scoreOne(recorded({ metadata: { page_path: '/pricing' } }));
    expect(second.emitted).toMatchObject({
      version: 2,
      previous_total: 50,
      previous_tier: 'warm',
      scores: { total: 67 },
      tier: 'warm',
      tier_changed: false,
    });
    const third = await scoreOne(recorded({ metadata: { page_path: '/pricing' } }));
    expect(third.emitted).toMatchObject({ version: 3, previous_total: 67, tier: 'hot', tier_changed: true });
    expect(leadScores.rows.get(leadId)).toMatchObject({
      totals: { total: 84, behavior: 50 },
      tier: 'hot',
      version: 3,
    });
  });

  it('emits nothing when no rule matched an existing lead', async () => {
    const result = await scoreOne(recorded({ event_type: 'newsletter_signup' }));
    expect(result).toEqual({ outcomes: [], emitted: null });
    expect(published).toEqual([]);
  });

  it('always emits for a newly created lead, even with zero points', async () => {
    const event = recorded({ event_type: 'newsletter_signup', lead_created: true });
    const result = await scoreOne(event);
    expect(result.emitted).toMatchObject({
      version: 1,
      scores: { total: 0 },
      tier: 'cold',
      points_applied: 0,
      event_id: event.event_id,
    });
  });

  it('emits nothing when the only matching rule is capped', async () => {
    await scoreOne(recorded({ event_type: 'demo_requested' }));
    const again = await scoreOne(recorded({ event_type: 'demo_requested' }));
    expect(again).toEqual({ outcomes: [{ slug: 'beh-demo-request', outcome: 'capped' }], emitted: null });
    expect(ledger.rows).toHaveLength(1);
    expect(published).toHaveLength(1);
  });

  it('writes points of an event older than decay_days as expired, and they do not count', async () => {
    const old = recorded({ occurred_at: new Date(Date.now() - 31 * DAY).toISOString() });
    const result = await scoreOne(old);
    expect(result).toEqual({
      outcomes: [{ slug: 'eng-page-visit', outcome: 'applied_expired' }],
      emitted: null,
    });
    expect(ledger.rows[0]).toMatchObject({ expired: true, points: 2 });
    expect(ledger.rows[0].expiredAt).toBeInstanceOf(Date);
  });

  it("expires the lead's overdue points before summing, and emits when that changed the totals", async () => {
    // A row whose points ran out since it was scored (the scheduled expiry has not run yet).
    ledger.rows.push({
      id: randomUUID(),
      leadId,
      eventId: randomUUID(),
      ruleId: pricing.id,
      ruleSlug: pricing.slug,
      ruleVersion: 1,
      category: 'engagement',
      points: 15,
      occurredAt: new Date(Date.now() - 15 * DAY),
      expiresAt: new Date(Date.now() - DAY),
      expired: false,
      expiredAt: null,
      reason: 'event',
      createdAt: new Date(),
    });
    leadScores.rows.set(leadId, {
      totals: { ...zeroTotals(), engagement: 15, total: 15 },
      tier: 'cold',
      version: 4,
      intent: { research: 0, b2b: 0, co_creation: 0 },
    });

    const result = await scoreOne(recorded({ event_type: 'newsletter_signup' }));
    expect(ledger.rows[0].expired).toBe(true);
    expect(result.emitted).toMatchObject({
      version: 5,
      previous_total: 15,
      scores: { total: 0 },
      points_applied: 0,
    });
  });

  it('does not apply a rule twice for the same event', async () => {
    const event = recorded({ event_type: 'page_visited' });
    await scoreOne(event);
    const again = await scoreOne(event);
    expect(again).toEqual({
      outcomes: [{ slug: 'eng-page-visit', outcome: 'already_applied' }],
      emitted: null,
    });
    expect(ledger.rows).toHaveLength(1);
  });

  it('rejects an unreadable event time permanently, before touching anything', async () => {
    await expect(scoreOne(recorded({ occurred_at: 'not a date' }))).rejects.toThrow(/unreadable occurred_at/);
    expect(leadScores.rows.size).toBe(0);
  });

  describe('batches', () => {
    const otherLead = randomUUID();
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();

    it("decides in event order: caps count the batch's earlier applications, versions grow per lead", async () => {
      const pricingVisits = [5, 4, 3, 2].map((h) =>
        recorded({ occurred_at: hoursAgo(h), metadata: { page_path: '/pricing' } }),
      );
      const demos = [
        recorded({ lead_id: otherLead, event_type: 'demo_requested', lead_created: true }),
        recorded({ lead_id: otherLead, event_type: 'demo_requested' }),
      ];
      const batch = [
        pricingVisits[0],
        demos[0],
        pricingVisits[1],
        pricingVisits[2],
        demos[1],
        pricingVisits[3],
      ];

      const results = await service.scoreRecordedEvents(inFlows(batch));

      expect(results.map((r) => r.outcomes.map((o) => o.outcome))).toEqual([
        ['applied', 'applied'],
        ['applied'],
        ['applied', 'applied'],
        ['applied', 'applied'],
        ['capped'],
        ['applied', 'capped'],
      ]);
      const ofLead = published.map((p) => p.payload).filter((p) => p.lead_id === leadId);
      expect(
        ofLead.map((p) => [p.version, p.event_id, p.previous_total, p.scores.total, p.points_applied]),
      ).toEqual([
        [1, pricingVisits[0].event_id, 0, 17, 17],
        [2, pricingVisits[1].event_id, 17, 34, 17],
        [3, pricingVisits[2].event_id, 34, 51, 17],
        [4, pricingVisits[3].event_id, 51, 53, 2],
      ]);
      expect(ofLead.map((p) => [p.previous_tier, p.tier, p.tier_changed])).toEqual([
        ['cold', 'cold', false],
        ['cold', 'cold', false],
        ['cold', 'warm', true],
        ['warm', 'warm', false],
      ]);
      expect(published.filter((p) => p.payload.lead_id === otherLead).map((p) => p.payload)).toEqual([
        expect.objectContaining({
          version: 1,
          event_id: demos[0].event_id,
          scores: expect.objectContaining({ total: 50 }),
        }),
      ]);
      expect(leadScores.rows.get(leadId)).toEqual({
        totals: { demographic: 0, engagement: 53, behavior: 0, total: 53 },
        tier: 'warm',
        version: 4,
        intent: { research: 0, b2b: 0, co_creation: 0 },
      });
      expect(leadScores.rows.get(otherLead)).toMatchObject({ version: 1, tier: 'warm' });
    });

    it('runs each statement once per batch, whatever its size, and reads the rules once', async () => {
      const leads = Array.from({ length: 7 }, () => randomUUID());
      const batch = Array.from({ length: 30 }, (_, i) =>
        recorded({ lead_id: leads[i % leads.length], metadata: { page_path: i % 3 ? '/x' : '/pricing' } }),
      );
      await service.scoreRecordedEvents(inFlows(batch));

      expect(leadScores.calls).toEqual(['lockForScoring', 'saveScores']);
      expect(ledger.calls).toEqual(['expireDue', 'capHistory', 'insertMany', 'sumLive']);
      expect(ruleLoads).toBe(1);
      expect(published).toHaveLength(30);
    });

    it("publishes each score as caused by its own event's message, in one insert", async () => {
      const batch = [recorded(), recorded({ lead_id: otherLead }), recorded()];
      await service.scoreRecordedEvents(inFlows(batch));
      expect(published.map((p) => [p.flow, p.payload.event_id])).toEqual(
        batch.map((e) => [e.event_id, e.event_id]),
      );
    });

    it('does not count a replayed event again when later events of the batch check their caps', async () => {
      const first = recorded({ occurred_at: hoursAgo(6), metadata: { page_path: '/pricing' } });
      await scoreOne(first);
      await scoreOne(recorded({ occurred_at: hoursAgo(5), metadata: { page_path: '/pricing' } }));
      published = [];

      const third = recorded({ occurred_at: hoursAgo(4), metadata: { page_path: '/pricing' } });
      const fourth = recorded({ occurred_at: hoursAgo(3), metadata: { page_path: '/pricing' } });
      const results = await service.scoreRecordedEvents(inFlows([first, third, fourth]));

      expect(results.map((r) => r.outcomes.map((o) => o.outcome))).toEqual([
        ['already_applied', 'already_applied'],
        ['applied', 'applied'],
        ['applied', 'capped'],
      ]);
      expect(results[0].emitted).toBeNull();
      expect(published.map((p) => [p.payload.version, p.payload.event_id])).toEqual([
        [3, third.event_id],
        [4, fourth.event_id],
      ]);
    });

    it('applies an event that comes twice in one batch once', async () => {
      const event = recorded({ event_type: 'demo_requested' });
      const results = await service.scoreRecordedEvents(inFlows([event, { ...event }]));
      expect(results.map((r) => r.outcomes)).toEqual([
        [{ slug: 'beh-demo-request', outcome: 'applied' }],
        [{ slug: 'beh-demo-request', outcome: 'capped' }],
      ]);
      const page = recorded();
      const pages = await service.scoreRecordedEvents(inFlows([page, { ...page }]));
      expect(pages.map((r) => r.outcomes.map((o) => o.outcome))).toEqual([['applied'], ['already_applied']]);
      expect(ledger.rows).toHaveLength(2);
    });

    it('rejects the whole batch permanently for one unreadable event time, before touching anything', async () => {
      const batch = [recorded(), recorded({ occurred_at: '2026-W05-3' }), recorded()];
      await expect(service.scoreRecordedEvents(inFlows(batch))).rejects.toThrow(
        new RegExp(`event ${batch[1].event_id} has an unreadable occurred_at`),
      );
      expect([...leadScores.calls, ...ledger.calls]).toEqual([]);
      expect(ruleLoads).toBe(0);
    });
  });
});
