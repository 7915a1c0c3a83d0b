import { randomUUID } from 'node:crypto';
import {
  capHistoryRequestFor,
  planRuleApplications,
  type ApplicableRule,
  type CapHistory,
  type EventToPlan,
} from './rule-application-plan';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-03-10T12:00:00.000Z');
const at = (hours: number) => new Date(T0 + hours * HOUR);
const NOW = at(1);

function rule(slug: string, caps: Partial<ApplicableRule> = {}): ApplicableRule {
  return {
    id: randomUUID(),
    slug,
    version: 1,
    category: 'engagement',
    points: 2,
    maxPerDay: null,
    maxPerLead: null,
    decayDays: null,
    ...caps,
  };
}

const leadA = randomUUID();
const leadB = randomUUID();
const event = (leadId: string, hours: number, ...matchingRules: ApplicableRule[]): EventToPlan => ({
  eventId: randomUUID(),
  leadId,
  occurredAt: at(hours),
  matchingRules,
});
const noHistory = (): CapHistory => ({ lifetimeCounts: [], applicationTimes: [], appliedEventRules: [] });
const decisions = (plan: ReturnType<typeof planRuleApplications>) =>
  plan.map((e) => e.map((a) => a.decision));

describe('capHistoryRequestFor', () => {
  const perDay = rule('per-day', { maxPerDay: 3 });
  const perLead = rule('per-lead', { maxPerLead: 2 });
  const uncapped = rule('uncapped');

  it('asks for lifetime counts of max_per_lead pairs once each, and whether each (event, rule) exists', () => {
    const events = [event(leadA, 0, perLead, uncapped), event(leadA, 5, perLead), event(leadB, 0, perLead)];
    const request = capHistoryRequestFor(events);
    expect(request.lifetimePairs).toEqual([
      { leadId: leadA, ruleId: perLead.id },
      { leadId: leadB, ruleId: perLead.id },
    ]);
    expect(request.windows).toEqual([]);
    expect(request.eventRules).toEqual([
      { eventId: events[0].eventId, ruleId: perLead.id },
      { eventId: events[0].eventId, ruleId: uncapped.id },
      { eventId: events[1].eventId, ruleId: perLead.id },
      { eventId: events[2].eventId, ruleId: perLead.id },
    ]);
  });

  it('asks for the times around each max_per_day event, overlapping windows merged per pair', () => {
    const events = [event(leadA, 30, perDay), event(leadA, 0, perDay), event(leadA, 100, perDay)];
    events.push(event(leadB, 0, perDay));
    expect(capHistoryRequestFor(events).windows).toEqual([
      { leadId: leadA, ruleId: perDay.id, after: at(-24), before: at(54) },
      { leadId: leadA, ruleId: perDay.id, after: at(76), before: at(124) },
      { leadId: leadB, ruleId: perDay.id, after: at(-24), before: at(24) },
    ]);
  });
});

describe('planRuleApplications', () => {
  it('counts the batch’s own earlier applications against max_per_day, per lead', () => {
    const pricing = rule('pricing', { maxPerDay: 3 });
    const events = [0, 1, 2, 3].map((h) => event(leadA, h, pricing));
    events.splice(2, 0, event(leadB, 0, pricing));
    expect(decisions(planRuleApplications(events, noHistory(), NOW))).toEqual([
      ['apply'],
      ['apply'],
      ['apply'],
      ['apply'],
      ['capped'],
    ]);
  });

  it('counts the ledger’s applications in the windows, including later ones for an older event', () => {
    const pricing = rule('pricing', { maxPerDay: 3 });
    const history: CapHistory = {
      ...noHistory(),
      applicationTimes: [2, 3].map((h) => ({ leadId: leadA, ruleId: pricing.id, occurredAt: at(h) })),
    };
    // −1 h fits (windows hold 3 at most); 0 h would make 4 in (−21 h, +3 h].
    const events = [event(leadA, -1, pricing), event(leadA, 0, pricing), event(leadA, 30, pricing)];
    expect(decisions(planRuleApplications(events, history, NOW))).toEqual([['apply'], ['capped'], ['apply']]);
  });

  it('counts every application ever against max_per_lead', () => {
    const contact = rule('contact', { maxPerLead: 3 });
    const history: CapHistory = {
      ...noHistory(),
      lifetimeCounts: [{ leadId: leadA, ruleId: contact.id, count: 2 }],
    };
    const events = [event(leadA, -900, contact), event(leadA, 0, contact), event(leadB, 0, contact)];
    expect(decisions(planRuleApplications(events, history, NOW))).toEqual([['apply'], ['capped'], ['apply']]);
  });

  it('does not apply an (event, rule) the ledger or the batch already holds, nor count it again', () => {
    const contact = rule('contact', { maxPerLead: 3 });
    const page = rule('page');
    const replayed = event(leadA, 0, contact, page);
    const history: CapHistory = {
      ...noHistory(),
      lifetimeCounts: [{ leadId: leadA, ruleId: contact.id, count: 2 }],
      appliedEventRules: [
        { eventId: replayed.eventId, ruleId: contact.id },
        { eventId: replayed.eventId, ruleId: page.id },
      ],
    };
    const fresh = event(leadA, 1, contact, page);
    const plan = planRuleApplications([replayed, fresh, { ...fresh }], history, NOW);
    expect(decisions(plan)).toEqual([
      ['already_applied', 'already_applied'],
      ['apply', 'apply'],
      ['capped', 'already_applied'],
    ]);
  });

  it('a cap takes precedence over "already applied", as when the row was counted in the history', () => {
    const demo = rule('demo', { maxPerLead: 1 });
    const replayed = event(leadA, 0, demo);
    const history: CapHistory = {
      ...noHistory(),
      lifetimeCounts: [{ leadId: leadA, ruleId: demo.id, count: 1 }],
      appliedEventRules: [{ eventId: replayed.eventId, ruleId: demo.id }],
    };
    expect(decisions(planRuleApplications([replayed], history, NOW))).toEqual([['capped']]);
  });

  it('gives a new row its expiry by event time, born expired when that is already past', () => {
    const decaying = rule('decaying', { decayDays: 1 });
    const plan = planRuleApplications(
      [event(leadA, -30, decaying), event(leadA, 0, decaying)],
      noHistory(),
      NOW,
    );
    expect(plan.flat()).toEqual([
      { rule: decaying, decision: 'apply', expiresAt: at(-6), alreadyExpired: true },
      {
        rule: decaying,
        decision: 'apply',
        expiresAt: new Date(at(0).getTime() + DAY),
        alreadyExpired: false,
      },
    ]);
  });

  it('leaves the history it was given untouched', () => {
    const pricing = rule('pricing', { maxPerDay: 3, maxPerLead: 10 });
    const history: CapHistory = {
      lifetimeCounts: [{ leadId: leadA, ruleId: pricing.id, count: 1 }],
      applicationTimes: [{ leadId: leadA, ruleId: pricing.id, occurredAt: at(-1) }],
      appliedEventRules: [],
    };
    const copy = structuredClone(history);
    planRuleApplications([event(leadA, 0, pricing), event(leadA, 1, pricing)], history, NOW);
    expect(history).toEqual(copy);
  });
});
