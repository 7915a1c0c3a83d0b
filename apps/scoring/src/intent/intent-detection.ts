import type { Intent, IntentRuleType, LeadFitProfile } from '@crm/contracts';
import { matchesEventRule, type MatchableEvent } from '../rules/event-rule-matcher';
import { matchesFieldRule } from '../rules/field-rule-matcher';
import type { EventRuleConditions, FieldRuleConditions } from '../rules/rule-conditions';
import type { IntentRule } from '../rules/intent-rule.entity';

/** A signal to record: one intent rule held for one lead from now on. */
export interface NewIntentSignal {
  leadId: string;
  ruleId: string;
  ruleSlug: string;
  ruleVersion: number;
  intent: Intent;
  points: number;
  triggerType: IntentRuleType;
  eventId: string | null;
  triggerData: Record<string, unknown>;
  detectedAt: Date;
}

/**
 * The signals an event gives its lead: every live `event` intent rule that matches and that the lead does not
 * hold yet. `held` is the lead's set of held rule ids; the new ones are added to it, so the next event of the
 * same lead in the batch does not count them again.
 */
export function eventSignals(
  leadId: string,
  event: MatchableEvent & { event_id: string },
  occurredAt: Date,
  rules: IntentRule[],
  held: Set<string>,
): NewIntentSignal[] {
  return newSignals(rules, held, (rule) => {
    const conditions = rule.conditions as EventRuleConditions;
    if (!matchesEventRule(conditions, event)) return null;
    const matched = Object.fromEntries(
      Object.keys(conditions.metadata ?? {}).map((k) => [k, event.metadata[k]]),
    );
    return signalOf(leadId, rule, event.event_id.toLowerCase(), occurredAt, {
      event_type: event.event_type,
      ...(Object.keys(matched).length ? { metadata: matched } : {}),
    });
  });
}

/** The signals a fit profile gives its lead: every live `field` intent rule that matches and is not held. */
export function profileSignals(
  leadId: string,
  profile: LeadFitProfile,
  changedAt: Date,
  rules: IntentRule[],
  held: Set<string>,
): NewIntentSignal[] {
  return newSignals(rules, held, (rule) => {
    const conditions = rule.conditions as FieldRuleConditions;
    if (!matchesFieldRule(conditions, profile)) return null;
    return signalOf(leadId, rule, null, changedAt, { field: conditions.field });
  });
}

/** The rules not held yet whose `signal` is not null; each becomes held. */
function newSignals(
  rules: IntentRule[],
  held: Set<string>,
  signal: (rule: IntentRule) => NewIntentSignal | null,
): NewIntentSignal[] {
  const signals: NewIntentSignal[] = [];
  for (const rule of rules) {
    if (held.has(rule.id)) continue;
    const found = signal(rule);
    if (!found) continue;
    held.add(rule.id);
    signals.push(found);
  }
  return signals;
}

function signalOf(
  leadId: string,
  rule: IntentRule,
  eventId: string | null,
  detectedAt: Date,
  triggerData: Record<string, unknown>,
): NewIntentSignal {
  return {
    leadId,
    ruleId: rule.id,
    ruleSlug: rule.slug,
    ruleVersion: rule.version,
    intent: rule.intent,
    points: rule.points,
    triggerType: rule.ruleType,
    eventId,
    triggerData,
    detectedAt,
  };
}
