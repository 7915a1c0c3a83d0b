import { Injectable } from '@nestjs/common';
import { Subjects, type LeadEventRecordedV1, type LeadScoredV1, type ScoreTotals } from '@crm/contracts';
import { Outbox, PermanentError, type OutboxMessage } from '@crm/messaging';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { NewIntentSignal } from '../intent/intent-detection';
import { IntentDetectionService } from '../intent/intent-detection.service';
import { intentDetectedOf } from '../intent/intent.rules';
import { matchesEventRule } from '../rules/event-rule-matcher';
import { LiveRulesCache } from '../rules/live-rules.cache';
import type { EventRuleConditions } from '../rules/rule-conditions';
import { LeadScoreRepository } from './lead-score.repository';
import {
  capHistoryRequestFor,
  eventRuleKey,
  ledgerEntriesOf,
  planRuleApplications,
  type EventToPlan,
  type PlannedApplication,
} from './rule-application-plan';
import { planLeadEmissions, type ScoredEvent, type StoredScore } from './score-emission-plan';
import { ScoredEventRepository } from './scored-event.repository';
import { ScoreLedgerRepository } from './score-ledger.repository';
import { addPoints } from './score-totals';

/** What happened to one matching rule for one event (for logs and tests). */
export interface RuleOutcome {
  slug: string;
  outcome: 'applied' | 'applied_expired' | 'capped' | 'already_applied';
}

export interface EventScoringResult {
  outcomes: RuleOutcome[];
  /** The emitted score, or null when nothing a reader shows changed (see scoreRecordedEvents). */
  emitted: LeadScoredV1 | null;
}

/** One recorded event of a batch to score. */
export interface RecordedEventToScore {
  event: LeadEventRecordedV1;
  /** The message that carried the event: what scoring it publishes carries its correlation id and names it. */
  causedBy?: { id: string; correlation_id: string };
}

/** An event of the batch with its plan and, once the ledger answered, its outcomes. */
interface EventInBatch {
  item: RecordedEventToScore;
  plan: EventToPlan;
  applications: PlannedApplication[];
  outcomes: RuleOutcome[];
  /** Intent signals the event gave its lead. */
  intentGains: NewIntentSignal[];
}

@Injectable()
export class EventScoringService {
  private readonly log: ReturnType<AppLogger['child']>;

  constructor(
    private readonly tx: TransactionHost,
    private readonly liveRules: LiveRulesCache,
    private readonly ledger: ScoreLedgerRepository,
    private readonly leadScores: LeadScoreRepository,
    private readonly outbox: Outbox,
    private readonly intent: IntentDetectionService,
    private readonly scoredEvents: ScoredEventRepository,
    logger: AppLogger,
  ) {
    this.log = logger.child('event-scoring');
  }

  /**
   * Scores recorded lead events, in the order given, as scoring them one after the other would: every active
   * `event` rule that matches an event applies unless a cap stops it, each application is a ledger row, and the
   * leads' totals are re-summed from the ledger. The work is set-based: a fixed number of statements per batch
   * (lock the leads, expire their due points, read the caps' history, insert the rows, re-sum, store the
   * scores), with the caps decided in memory in event order.
   *
   * Per event, emits `scoring.lead.scored.v1` (same transaction, through the outbox, in the event's message
   * flow) only when at least one rule applied with points that count, when the totals changed anyway (points of
   * earlier events ran out), when it gave intent signals (each intent rule at most once per lead), or when the lead is new (`lead_created`), so the leads read model gets the new
   * lead's tier even if it scored nothing. An event that matched nothing emits nothing: the reader would see no
   * change. A lead's versions grow by one per emission, in event order.
   *
   * Throws PermanentError, before touching anything, for an event whose occurred_at cannot be read.
   */
  async scoreRecordedEvents(batch: RecordedEventToScore[]): Promise<EventScoringResult[]> {
    const occurredAts = batch.map(({ event }) => readOccurredAt(event));
    if (!batch.length) return [];
    return this.tx.transaction(async () => {
      const rules = await this.liveRules.current();
      const events: EventInBatch[] = batch.map((item, i) => ({
        item,
        plan: {
          // PostgreSQL answers with lowercase uuids; the batch's maps are keyed the same way.
          eventId: item.event.event_id.toLowerCase(),
          leadId: item.event.lead_id.toLowerCase(),
          occurredAt: occurredAts[i],
          matchingRules: rules.event.filter((rule) =>
            matchesEventRule(rule.conditions as EventRuleConditions, item.event),
          ),
        },
        applications: [],
        outcomes: [],
        intentGains: [],
      }));
      const leadIds = [...new Set(events.map((e) => e.plan.leadId))];

      // From here on these leads' other events wait for our commit, so the caps below see every earlier row.
      const stored = await this.leadScores.lockForScoring(leadIds);
      // Kept for replays (recalculation), under the same locks, so a replay never misses one of these events.
      await this.scoredEvents.insertMany(batch.map(({ event }) => event));
      const now = new Date();
      await this.ledger.expireDue(leadIds, now);
      const plans = events.map((e) => e.plan);
      const history = await this.ledger.capHistory(capHistoryRequestFor(plans));
      planRuleApplications(plans, history, now).forEach((applications, i) => {
        events[i].applications = applications;
      });

      const inserted = await this.ledger.insertMany(
        events.flatMap((e) => ledgerEntriesOf(e.plan, e.applications, now)),
      );
      const insertedKeys = new Set(inserted.map((row) => eventRuleKey(row.eventId, row.ruleId)));
      for (const e of events) e.outcomes = outcomesOf(e, insertedKeys);
      const gains = await this.intent.detectForEvents(
        events.map((e) => ({ leadId: e.plan.leadId, event: e.item.event, occurredAt: e.plan.occurredAt })),
        rules.intentEvent,
      );
      events.forEach((e, i) => (e.intentGains = gains[i]));

      const liveTotals = await this.ledger.sumLive(leadIds);
      return this.emitScores(events, leadIds, stored, liveTotals, now);
    });
  }

  /** Plans each lead's emissions, stores the final scores, then publishes in event order. */
  private async emitScores(
    events: EventInBatch[],
    leadIds: string[],
    stored: Map<string, StoredScore>,
    liveTotals: Map<string, ScoreTotals>,
    now: Date,
  ): Promise<EventScoringResult[]> {
    const emitted = new Map<EventInBatch, LeadScoredV1 | null>();
    const changedScores: { leadId: string; score: StoredScore }[] = [];
    const intentChanges: OutboxMessage[] = [];
    const eventsByLead = new Map(leadIds.map((leadId) => [leadId, [] as EventInBatch[]]));
    for (const e of events) eventsByLead.get(e.plan.leadId)!.push(e);
    for (const [leadId, ofLead] of eventsByLead) {
      const scored = ofLead.map(scoredEventOf);
      // The ledger already holds this batch's rows: take their points off to get where the batch started.
      let liveBefore = liveTotals.get(leadId)!;
      for (const { applied } of scored)
        for (const { category, points } of applied) liveBefore = addPoints(liveBefore, category, -points);
      const plan = planLeadEmissions(leadId, stored.get(leadId)!, liveBefore, scored, now);
      ofLead.forEach((e, i) => emitted.set(e, plan.emissions[i]));
      if (plan.final.version !== stored.get(leadId)!.version)
        changedScores.push({ leadId, score: plan.final });
      const detected = intentDetectedOf(leadId, stored.get(leadId)!.intent, plan.final.intent, now);
      if (detected) {
        const causedBy = ofLead[ofLead.length - 1].item.causedBy;
        intentChanges.push({ subject: Subjects.LeadIntentDetected, data: detected, options: { causedBy } });
      }
    }
    await this.leadScores.saveScores(changedScores);

    const results: EventScoringResult[] = [];
    const scores: OutboxMessage[] = [];
    for (const e of events) {
      const score = emitted.get(e) ?? null;
      this.log.debug(
        {
          lead_id: e.plan.leadId,
          event_id: e.plan.eventId,
          outcomes: e.outcomes,
          points_applied: score?.points_applied ?? 0,
          emit: score !== null,
        },
        'event scored',
      );
      if (score)
        scores.push({ subject: Subjects.LeadScored, data: score, options: { causedBy: e.item.causedBy } });
      results.push({ outcomes: e.outcomes, emitted: score });
    }
    // One insert for the batch, in event order: the relay publishes in that order.
    await this.outbox.publishMany([...scores, ...intentChanges]);
    return results;
  }
}

function readOccurredAt(event: LeadEventRecordedV1): Date {
  const occurredAt = new Date(event.occurred_at);
  if (Number.isNaN(occurredAt.getTime())) {
    throw new PermanentError(`event ${event.event_id} has an unreadable occurred_at`);
  }
  return occurredAt;
}

/** A planned row the ledger did not take was written meanwhile for the same (event, rule): already applied. */
function outcomesOf({ plan, applications }: EventInBatch, insertedKeys: Set<string>): RuleOutcome[] {
  return applications.map((application) => {
    const { slug } = application.rule;
    if (application.decision !== 'apply') return { slug, outcome: application.decision };
    if (!insertedKeys.has(eventRuleKey(plan.eventId, application.rule.id)))
      return { slug, outcome: 'already_applied' };
    return { slug, outcome: application.alreadyExpired ? 'applied_expired' : 'applied' };
  });
}

function scoredEventOf({ item, plan, applications, outcomes, intentGains }: EventInBatch): ScoredEvent {
  return {
    intentGained: intentGains.map(({ intent, points }) => ({ intent, points })),
    eventId: plan.eventId,
    leadCreated: item.event.lead_created,
    applied: applications
      .filter((_, i) => outcomes[i].outcome === 'applied')
      .map(({ rule }) => ({ category: rule.category, points: rule.points })),
  };
}
