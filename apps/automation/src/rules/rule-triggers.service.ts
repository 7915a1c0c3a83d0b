import { Injectable } from '@nestjs/common';
import type {
  DealStageChangedV1,
  LeadEventRecordedV1,
  LeadIntentDetectedV1,
  LeadScoredV1,
} from '@crm/contracts';
import { AutomationRulesRepository } from './automation-rules.repository';
import { RuleFiringService, type Firing } from './rule-firing.service';
import { eventMatches, stageChangeMatches } from './rule-matching';
import { RuleStateRepository } from './rule-state.repository';

/** Turns each kind of cause into the firings of the rules it matches (api.md §12 "Fires" column). */
@Injectable()
export class RuleTriggersService {
  constructor(
    private readonly rules: AutomationRulesRepository,
    private readonly state: RuleStateRepository,
    private readonly firing: RuleFiringService,
  ) {}

  /** Every matching event fires (a batch of recorded events, in stream order). */
  async eventsRecorded(events: LeadEventRecordedV1[]): Promise<number> {
    const rules = await this.rules.activeOfType('event');
    if (!rules.length) return 0;
    const firings: Firing[] = [];
    for (const event of events) {
      for (const rule of rules) {
        if (!eventMatches(rule.trigger_config, event)) continue;
        firings.push({
          rule,
          occurrenceKey: `event:${event.event_id}`,
          leadId: event.lead_id,
          deal: null,
          triggerData: {
            event_id: event.event_id,
            event_type: event.event_type,
            source: event.source,
            occurred_at: event.occurred_at,
          },
        });
      }
    }
    return this.firing.fire(firings);
  }

  /**
   * Fires once per upward crossing of `score_gte`: a score at or above it fires when the score before it was
   * below (the event's `previous_total`), or when the rule is still armed because the last score applied was
   * below (an event in between was delivered late). Firing disarms; a score below re-arms. Scores older than the
   * last one applied (by version) change nothing, so a redelivered or late score never fires twice.
   */
  async leadScored(event: LeadScoredV1): Promise<number> {
    const rules = await this.rules.activeOfType('score_threshold');
    if (!rules.length) return 0;
    const arming = await this.state.armingForUpdate(
      rules.map((r) => r.id),
      event.lead_id,
    );
    const total = event.scores.total;
    const firings: Firing[] = [];
    for (const rule of rules) {
      const row = arming.get(rule.id);
      if (!row || Number(row.last_seen) >= event.version) continue;
      const threshold = Number(rule.trigger_config.score_gte);
      // First score seen for this rule: armed unless the lead was already at the threshold before it.
      if (Number(row.last_seen) < 0) row.armed = event.previous_total < threshold;
      if (total >= threshold && (event.previous_total < threshold || row.armed)) {
        firings.push({
          rule,
          occurrenceKey: `score:${event.lead_id}:${event.version}`,
          leadId: event.lead_id,
          deal: null,
          score: total,
          triggerData: {
            score_gte: threshold,
            previous_total: event.previous_total,
            total,
            tier: event.tier,
            version: event.version,
            scored_at: event.scored_at,
          },
        });
      }
      row.armed = total < threshold;
      row.last_seen = String(event.version);
      await this.state.saveArming(row);
    }
    return this.firing.fire(firings);
  }

  /**
   * Fires once per lead when its intent matches (and its confidence reaches `confidence_gte`); re-arms once a
   * later detection no longer matches. Detections older than the last one applied change nothing.
   */
  async intentDetected(event: LeadIntentDetectedV1): Promise<number> {
    const rules = await this.rules.activeOfType('intent_detected');
    if (!rules.length) return 0;
    const arming = await this.state.armingForUpdate(
      rules.map((r) => r.id),
      event.lead_id,
    );
    const seen = Date.parse(event.detected_at);
    const firings: Firing[] = [];
    for (const rule of rules) {
      const row = arming.get(rule.id);
      if (!row || Number(row.last_seen) >= seen) continue;
      const config = rule.trigger_config as { intent: string; confidence_gte?: number };
      const matches =
        event.primary_intent === config.intent &&
        (config.confidence_gte === undefined || (event.intent_confidence ?? 0) >= config.confidence_gte);
      if (matches && row.armed) {
        row.armed = false;
        firings.push({
          rule,
          occurrenceKey: `intent:${event.lead_id}:${seen}`,
          leadId: event.lead_id,
          deal: null,
          triggerData: {
            intent: event.primary_intent,
            intent_confidence: event.intent_confidence,
            previous_primary_intent: event.previous_primary_intent,
            detected_at: event.detected_at,
          },
        });
      } else if (!matches) {
        row.armed = true;
      }
      row.last_seen = String(seen);
      await this.state.saveArming(row);
    }
    return this.firing.fire(firings);
  }

  /**
   * Every deal move matching a rule's slugs fires it once (one firing per stage history row). Moves a rule made
   * (`reason: automation`) fire no rules, so two rules cannot move a deal back and forth forever.
   */
  async stageChanged(event: DealStageChangedV1): Promise<number> {
    if (event.reason === 'automation') return 0;
    const rules = await this.rules.activeOfType('stage_change');
    const firings: Firing[] = rules
      .filter((rule) => stageChangeMatches(rule, event))
      .map((rule) => ({
        rule,
        occurrenceKey: `stage:${event.deal_id}:${event.stage_history_id}`,
        leadId: event.lead_id,
        deal: {
          id: event.deal_id,
          name: event.deal.name,
          value: event.deal.value,
          currency: event.deal.currency,
        },
        triggerData: {
          stage_history_id: event.stage_history_id,
          pipeline_id: event.pipeline_id,
          from_stage: event.from_stage_slug ?? null,
          to_stage: event.to_stage_slug,
          reason: event.reason,
          occurred_at: event.occurred_at,
        },
      }));
    return this.firing.fire(firings);
  }
}
