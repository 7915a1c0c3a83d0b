import { randomUUID } from 'node:crypto';
import { Subjects, type LeadEventRecordedV1, type ScoreTier } from '@crm/contracts';
import type { Outbox } from '@crm/messaging';
import type { AppLogger, TransactionHost } from '@crm/service-kit';
import type { ScoringRule } from '../rules/scoring-rule.entity';
import type { ScoringRuleRepository } from '../rules/scoring-rule.repository';
import { EventScoringService } from './event-scoring.service';
import type { LeadScore } from './lead-score.entity';
import type { LeadScoreRepository } from './lead-score.repository';
import type { ScoreLedgerEntry } from './score-ledger-entry.entity';
import type { NewLedgerEntry, ScoreLedgerRepository } from './score-ledger.repository';

/** In-memory stand-ins with the repositories' contracts; the SQL versions run in test/*.int-spec.ts. */
class InMemoryLedger {
  rows: ScoreLedgerEntry[] = [];
  countApplications = async (leadId: string, ruleId: string) =>
    this.rows.filter((r) => r.leadId === leadId && r.ruleId === ruleId).length;
  applicationTimesBetween = async (leadId: string, ruleId: string, from: Date, to: Date) =>
    this.rows
      .filter((r) => r.leadId === leadId && r.ruleId === ruleId && r.occurredAt > from && r.occurredAt < to)
      .map((r) => r.occurredAt);
  insertOnce = async (entry: NewLedgerEntry) => {
    if (this.rows.some((r) => r.eventId === entry.eventId && r.ruleId === entry.ruleId)) return false;
    this.rows.push({ ...entry, id: randomUUID(), createdAt: new Date() });
    return true;
  };
  expireDue = async (leadId: string, now: Date) => {
    const due = this.rows.filter(
      (r) => r.leadId === leadId && !r.expired && r.expiresAt && r.expiresAt <= now,
    );
    for (const row of due) Object.assign(row, { expired: true, expiredAt: now });
    return due.length;
  };
  sumLive = async (leadId: string) => {
    const totals = { demographic: 0, engagement: 0, behavior: 0, total: 0 };
    for (const r of this.rows.filter((row) => row.leadId === leadId && !row.expired))
      totals[r.category] += r.points;
    totals.total = totals.demographic + totals.engagement + totals.behavior;
    return totals;
  };
}

class InMemoryLeadScores {
  rows = new Map<string, LeadScore>();
  lockForScoring = async (leadId: string) => {
    if (!this.rows.has(leadId)) {
      this.rows.set(leadId, {
        leadId,
        demographic: 0,
        engagement: 0,
        behavior: 0,
        total: 0,
        tier: 'cold',
        version: 0,
        updatedAt: new Date(),
      });
    }
    return { ...this.rows.get(leadId)! };
  };
  saveScore = async (leadId: string, totals: LeadScore, tier: ScoreTier, version: number) => {
    this.rows.set(leadId, { ...this.rows.get(leadId)!, ...totals, tier, version });
  };
}

const DAY = 86_400_000;

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
  let published: { subject: string; payload: unknown }[];
  let service: EventScoringService;
  const leadId = randomUUID();

  beforeEach(() => {
    ledger = new InMemoryLedger();
    leadScores = new InMemoryLeadScores();
    published = [];
    const tx = { transaction: <T>(work: () => Promise<T>) => work() } as unknown as TransactionHost;
    const rules = {
      findLiveByType: async () => [pageVisit, pricing, demo],
    } as unknown as ScoringRuleRepository;
    const outbox = {
      publish: async (subject: string, payload: unknown) => void published.push({ subject, payload }),
    } as unknown as Outbox;
    const logger = { child: () => ({ debug: () => undefined }) } as unknown as AppLogger;
    service = new EventScoringService(
      tx,
      rules,
      ledger as unknown as ScoreLedgerRepository,
      leadScores as unknown as LeadScoreRepository,
      outbox,
      logger,
    );
  });

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
    const result = await service.scoreRecordedEvent(event);

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
    await service.scoreRecordedEvent(recorded({ event_type: 'demo_requested' }));
    const second = await service.scoreRecordedEvent(recorded({ metadata: { page_path: '/pricing' } }));
    expect(second.emitted).toMatchObject({
      version: 2,
      previous_total: 50,
      previous_tier: 'warm',
      scores: { total: 67 },
      tier: 'warm',
      tier_changed: false,
    });
    const third = await service.scoreRecordedEvent(recorded({ metadata: { page_path: '/pricing' } }));
    expect(third.emitted).toMatchObject({ version: 3, previous_total: 67, tier: 'hot', tier_changed: true });
    expect(leadScores.rows.get(leadId)).toMatchObject({ total: 84, tier: 'hot', version: 3, behavior: 50 });
  });

  it('emits nothing when no rule matched an existing lead', async () => {
    const result = await service.scoreRecordedEvent(recorded({ event_type: 'newsletter_signup' }));
    expect(result).toEqual({ outcomes: [], emitted: null });
    expect(published).toEqual([]);
  });

  it('always emits for a newly created lead, even with zero points', async () => {
    const event = recorded({ event_type: 'newsletter_signup', lead_created: true });
    const result = await service.scoreRecordedEvent(event);
    expect(result.emitted).toMatchObject({
      version: 1,
      scores: { total: 0 },
      tier: 'cold',
      points_applied: 0,
      event_id: event.event_id,
    });
  });

  it('emits nothing when the only matching rule is capped', async () => {
    await service.scoreRecordedEvent(recorded({ event_type: 'demo_requested' }));
    const again = await service.scoreRecordedEvent(recorded({ event_type: 'demo_requested' }));
    expect(again).toEqual({ outcomes: [{ slug: 'beh-demo-request', outcome: 'capped' }], emitted: null });
    expect(ledger.rows).toHaveLength(1);
    expect(published).toHaveLength(1);
  });

  it('writes points of an event older than decay_days as expired, and they do not count', async () => {
    const old = recorded({ occurred_at: new Date(Date.now() - 31 * DAY).toISOString() });
    const result = await service.scoreRecordedEvent(old);
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
    await leadScores.lockForScoring(leadId);
    await leadScores.saveScore(leadId, { total: 15, engagement: 15 } as LeadScore, 'cold', 4);

    const result = await service.scoreRecordedEvent(recorded({ event_type: 'newsletter_signup' }));
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
    await service.scoreRecordedEvent(event);
    const again = await service.scoreRecordedEvent(event);
    expect(again).toEqual({
      outcomes: [{ slug: 'eng-page-visit', outcome: 'already_applied' }],
      emitted: null,
    });
    expect(ledger.rows).toHaveLength(1);
  });

  it('rejects an unreadable event time permanently, before touching anything', async () => {
    await expect(service.scoreRecordedEvent(recorded({ occurred_at: 'not a date' }))).rejects.toThrow(
      /unreadable occurred_at/,
    );
    expect(leadScores.rows.size).toBe(0);
  });
});
