import { Injectable } from '@nestjs/common';
import { Subjects, type ScoreTotals } from '@crm/contracts';
import { Outbox, type OutboxMessage } from '@crm/messaging';
import { TransactionHost } from '@crm/service-kit';
import { IntentDetectionService } from '../intent/intent-detection.service';
import {
  addIntentPoints,
  emptyIntentSummary,
  intentDetectedOf,
  sameIntentSummary,
} from '../intent/intent.rules';
import { matchesEventRule } from '../rules/event-rule-matcher';
import { LiveRulesCache } from '../rules/live-rules.cache';
import type { EventRuleConditions } from '../rules/rule-conditions';
import { fitEntriesOf } from './fit-scoring.service';
import { LeadProfileRepository } from './lead-profile.repository';
import { LeadScoreRepository } from './lead-score.repository';
import {
  ledgerEntriesOf,
  NO_CAP_HISTORY,
  planRuleApplications,
  type EventToPlan,
} from './rule-application-plan';
import { nextScore, type StoredScore } from './score-emission-plan';
import { ScoreLedgerRepository, type NewLedgerEntry } from './score-ledger.repository';
import { ScoredEventRepository, type StoredEvent } from './scored-event.repository';
import { sameTotals } from './score-totals';

export interface LeadRecalculation {
  leadId: string;
  /** false when the lead's ledger holds points of events scoring has no copy of: left untouched. */
  replayed: boolean;
  before: StoredScore;
  after: StoredScore;
  changed: boolean;
}

/**
 * Recalculation (api.md §10): a lead's ledger and intent signals are written again by replaying scoring's own
 * copy of its events, in event time, through the current rules (caps and decay by event time, so unchanged
 * rules reproduce the same rows), and its fit and field intent rules on its current profile. Set-based: a fixed
 * number of statements per call, whatever the number of leads, all under the leads' locks, so live scoring of
 * the same leads waits for the commit and never interleaves.
 */
@Injectable()
export class RecalculationService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly liveRules: LiveRulesCache,
    private readonly ledger: ScoreLedgerRepository,
    private readonly leadScores: LeadScoreRepository,
    private readonly profiles: LeadProfileRepository,
    private readonly scoredEvents: ScoredEventRepository,
    private readonly intent: IntentDetectionService,
    private readonly outbox: Outbox,
  ) {}

  /** Emits `scoring.lead.scored.v1` (reason `recalculation`) for each lead whose totals or intent changed. */
  async recalculateLeads(leadIds: string[]): Promise<LeadRecalculation[]> {
    const ids = [...new Set(leadIds.map((id) => id.toLowerCase()))].sort();
    if (!ids.length) return [];
    return this.tx.transaction(async () => {
      const stored = await this.leadScores.lockForScoring(ids);
      const events = await this.scoredEvents.ofLeads(ids);
      const notReplayable = await this.leadsNotReplayable(ids, events);
      const replay = ids.filter((id) => !notReplayable.has(id));
      const results = new Map<string, LeadRecalculation>();
      for (const id of notReplayable) {
        const score = stored.get(id)!;
        results.set(id, { leadId: id, replayed: false, before: score, after: score, changed: false });
      }
      if (replay.length) {
        const replayed = new Set(replay);
        await this.replay(
          replay,
          events.filter((e) => replayed.has(e.lead_id)),
          stored,
          results,
        );
      }
      return ids.map((id) => results.get(id)!);
    });
  }

  /**
   * Leads whose ledger holds points of events scoring has no copy of (scored before it kept events): a replay
   * would lose those points, so they are left as they are.
   */
  private async leadsNotReplayable(leadIds: string[], events: StoredEvent[]): Promise<Set<string>> {
    const kept = new Set(events.map((e) => e.event_id));
    const scored = await this.ledger.eventIdsOfLeads(leadIds);
    return new Set(scored.filter(({ eventId }) => !kept.has(eventId)).map(({ leadId }) => leadId));
  }

  private async replay(
    leadIds: string[],
    events: StoredEvent[],
    stored: Map<string, StoredScore>,
    results: Map<string, LeadRecalculation>,
  ): Promise<void> {
    const profiles = await this.profiles.ofLeads(leadIds);
    await this.ledger.deleteOfLeads(leadIds);
    await this.intent.forgetLeads(leadIds);

    const now = new Date();
    const rules = await this.liveRules.current();
    const plans: EventToPlan[] = events.map((event) => ({
      eventId: event.event_id,
      leadId: event.lead_id,
      occurredAt: event.occurred_at,
      matchingRules: rules.event.filter((rule) =>
        matchesEventRule(rule.conditions as EventRuleConditions, event),
      ),
    }));
    const entries: NewLedgerEntry[] = planRuleApplications(plans, NO_CAP_HISTORY, now).flatMap(
      (applications, i) => ledgerEntriesOf(plans[i], applications, now),
    );
    for (const [leadId, { profile, changedAt }] of profiles) {
      entries.push(
        ...fitEntriesOf(
          { lead_id: leadId, profile, changed_at: changedAt.toISOString() },
          rules.field,
          new Map(),
        ),
      );
    }
    await this.ledger.insertMany(entries);

    const eventSignals = await this.intent.detectForEvents(events.map(eventForIntent), rules.intentEvent);
    const profileSignals = await this.intent.detectForProfiles(
      [...profiles].map(([leadId, { profile, changedAt }]) => ({ leadId, profile, changedAt })),
      rules.intentField,
    );
    const intents = new Map(leadIds.map((id) => [id, emptyIntentSummary()]));
    for (const signal of [...eventSignals.flat(), ...profileSignals.flat()]) {
      intents.set(signal.leadId, addIntentPoints(intents.get(signal.leadId)!, signal.intent, signal.points));
    }

    const totals = await this.ledger.sumLive(leadIds);
    const scores: { leadId: string; score: StoredScore }[] = [];
    const messages: OutboxMessage[] = [];
    for (const leadId of leadIds) {
      const before = stored.get(leadId)!;
      const after: { totals: ScoreTotals; intent: typeof before.intent } = {
        totals: totals.get(leadId)!,
        intent: intents.get(leadId)!,
      };
      const changed =
        !sameTotals(before.totals, after.totals) || !sameIntentSummary(before.intent, after.intent);
      if (!changed) {
        results.set(leadId, { leadId, replayed: true, before, after: before, changed: false });
        continue;
      }
      const score = nextScore(leadId, before, after, {
        reason: 'recalculation',
        eventId: null,
        pointsApplied: after.totals.total - before.totals.total,
        scoredAt: now,
      });
      const next: StoredScore = { ...after, tier: score.tier, version: score.version };
      scores.push({ leadId, score: next });
      messages.push({ subject: Subjects.LeadScored, data: score });
      const detected = intentDetectedOf(leadId, before.intent, after.intent, now);
      if (detected) messages.push({ subject: Subjects.LeadIntentDetected, data: detected });
      results.set(leadId, { leadId, replayed: true, before, after: next, changed: true });
    }
    await this.leadScores.saveScores(scores);
    await this.outbox.publishMany(messages);
  }
}

function eventForIntent(event: StoredEvent) {
  return { leadId: event.lead_id, event, occurredAt: event.occurred_at };
}
