import { Injectable } from '@nestjs/common';
import type { LeadFitProfile } from '@crm/contracts';
import type { IntentRule } from '../rules/intent-rule.entity';
import type { MatchableEvent } from '../rules/event-rule-matcher';
import { matchesEventRule } from '../rules/event-rule-matcher';
import type { EventRuleConditions } from '../rules/rule-conditions';
import { eventSignals, profileSignals, type NewIntentSignal } from './intent-detection';
import { IntentSignalRepository, signalKey } from './intent-signal.repository';

/** A recorded event of a scoring batch, for intent detection. */
export interface EventForIntent {
  leadId: string;
  event: MatchableEvent & { event_id: string };
  occurredAt: Date;
}

/**
 * Intent signals (product.md, Intent), inside the scoring transaction that holds the leads' locks: each live
 * intent rule counts at most once per lead. Costs nothing when nothing in the batch matches an intent rule,
 * else two statements (the leads' held rules, the new signals).
 */
@Injectable()
export class IntentDetectionService {
  constructor(private readonly signals: IntentSignalRepository) {}

  /** Records the signals of events in the order given (`rules`: the live `event` intent rules); per event, its signals. */
  async detectForEvents(events: EventForIntent[], rules: IntentRule[]): Promise<NewIntentSignal[][]> {
    const matching = (e: EventForIntent) =>
      rules.some((rule) => matchesEventRule(rule.conditions as EventRuleConditions, e.event));
    const candidates = rules.length ? events.filter(matching) : [];
    if (!candidates.length) return events.map(() => []);
    const held = await this.signals.heldRuleIds([...new Set(candidates.map((e) => e.leadId))]);
    const found = events.map((e) => {
      if (!held.has(e.leadId)) held.set(e.leadId, new Set());
      return eventSignals(e.leadId, e.event, e.occurredAt, rules, held.get(e.leadId)!);
    });
    return this.record(found);
  }

  /** Records the signals of the leads' new fit profiles (`rules`: the live `field` intent rules); per lead, its new signals. */
  async detectForProfiles(
    profiles: { leadId: string; profile: LeadFitProfile; changedAt: Date }[],
    rules: IntentRule[],
  ): Promise<NewIntentSignal[][]> {
    if (!rules.length || !profiles.length) return profiles.map(() => []);
    const held = await this.signals.heldRuleIds(profiles.map((p) => p.leadId));
    const found = profiles.map((p) =>
      profileSignals(p.leadId, p.profile, p.changedAt, rules, held.get(p.leadId) ?? new Set()),
    );
    return this.record(found);
  }

  /** Forgets every signal of the leads (a recalculation detects them again). */
  async forgetLeads(leadIds: string[]): Promise<void> {
    await this.signals.deleteOfLeads(leadIds);
  }

  /** Inserts the signals; keeps only those inserted (one held meanwhile would not count twice). */
  private async record(found: NewIntentSignal[][]): Promise<NewIntentSignal[][]> {
    const inserted = await this.signals.insertMany(found.flat());
    return found.map((signals) => signals.filter((s) => inserted.has(signalKey(s.leadId, s.ruleId))));
  }
}
