import { Injectable } from '@nestjs/common';
import { Subjects, type LeadEventRecordedV1, type LeadScoredV1, type ScoreTotals } from '@crm/contracts';
import { Outbox, PermanentError } from '@crm/messaging';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import { matchesEventRule } from '../rules/event-rule-matcher';
import type { EventRuleConditions } from '../rules/rule-conditions';
import type { ScoringRule } from '../rules/scoring-rule.entity';
import { ScoringRuleRepository } from '../rules/scoring-rule.repository';
import { expiresAtFor, isCapReached, ROLLING_DAY_MS, type PriorApplications } from './cap-policy';
import { LeadScoreRepository } from './lead-score.repository';
import { ScoreLedgerRepository } from './score-ledger.repository';
import { tierFor } from './score-tier';
import { sameTotals } from './score-totals';

/** What happened to one matching rule for one event (for logs and tests). */
export interface RuleOutcome {
  slug: string;
  outcome: 'applied' | 'applied_expired' | 'capped' | 'already_applied';
}

export interface EventScoringResult {
  outcomes: RuleOutcome[];
  /** The emitted score, or null when nothing a reader shows changed (see scoreRecordedEvent). */
  emitted: LeadScoredV1 | null;
}

/** One recorded event of a batch to score. */
export interface RecordedEventToScore {
  event: LeadEventRecordedV1;
  /** Runs `work` as part of the flow of the message that carried the event, so what it publishes names it. */
  inMessageFlow?: <T>(work: () => T) => T;
}

@Injectable()
export class EventScoringService {
  private readonly log: ReturnType<AppLogger['child']>;

  constructor(
    private readonly tx: TransactionHost,
    private readonly rules: ScoringRuleRepository,
    private readonly ledger: ScoreLedgerRepository,
    private readonly leadScores: LeadScoreRepository,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('event-scoring');
  }

  /** Scores recorded events in the order given; one result per event. */
  async scoreRecordedEvents(batch: RecordedEventToScore[]): Promise<EventScoringResult[]> {
    return this.tx.transaction(async () => {
      const results: EventScoringResult[] = [];
      for (const { event, inMessageFlow } of batch) {
        results.push(await this.scoreRecordedEvent(event, inMessageFlow));
      }
      return results;
    });
  }

  /**
   * Scores one recorded lead event: every active `event` rule that matches applies unless a cap stops it,
   * each application is a ledger row, and the lead's totals are re-summed from the ledger.
   *
   * Emits `scoring.lead.scored.v1` (same transaction, through the outbox) only when at least one rule applied
   * with points that count, when the totals changed anyway (points of earlier events ran out), or when the lead
   * is new (`lead_created`), so the leads read model gets the new lead's tier even if it scored nothing.
   * An event that matched nothing emits nothing: the reader would see no change.
   */
  async scoreRecordedEvent(
    event: LeadEventRecordedV1,
    inMessageFlow: <T>(work: () => T) => T = (work) => work(),
  ): Promise<EventScoringResult> {
    const occurredAt = new Date(event.occurred_at);
    if (Number.isNaN(occurredAt.getTime())) {
      throw new PermanentError(`event ${event.event_id} has an unreadable occurred_at`);
    }
    return this.tx.transaction(async () => {
      const liveRules = await this.rules.findLiveByType('event');
      const matching = liveRules.filter((rule) =>
        matchesEventRule(rule.conditions as EventRuleConditions, event),
      );

      // From here on this lead's other events wait for our commit, so the caps below see every earlier row.
      const before = await this.leadScores.lockForScoring(event.lead_id);
      const now = new Date();
      await this.ledger.expireDue(event.lead_id, now);

      const outcomes: RuleOutcome[] = [];
      let pointsApplied = 0;
      for (const rule of matching) {
        const outcome = await this.applyRule(rule, event, occurredAt, now);
        outcomes.push({ slug: rule.slug, outcome });
        if (outcome === 'applied') pointsApplied += rule.points;
      }

      const scores = await this.ledger.sumLive(event.lead_id);
      const previous: ScoreTotals = {
        demographic: before.demographic,
        engagement: before.engagement,
        behavior: before.behavior,
        total: before.total,
      };
      const anyApplied = outcomes.some((o) => o.outcome === 'applied');
      const shouldEmit = anyApplied || event.lead_created || !sameTotals(scores, previous);
      this.log.debug(
        {
          lead_id: event.lead_id,
          event_id: event.event_id,
          outcomes,
          points_applied: pointsApplied,
          emit: shouldEmit,
        },
        'event scored',
      );
      if (!shouldEmit) return { outcomes, emitted: null };

      const tier = tierFor(scores.total);
      const emitted: LeadScoredV1 = {
        lead_id: event.lead_id,
        version: before.version + 1,
        scores,
        previous_total: before.total,
        tier,
        previous_tier: before.tier,
        tier_changed: tier !== before.tier,
        reason: 'event',
        event_id: event.event_id,
        points_applied: pointsApplied,
        scored_at: now.toISOString(),
      };
      await this.leadScores.saveScore(event.lead_id, scores, tier, emitted.version);
      await inMessageFlow(() => this.outbox.publish(Subjects.LeadScored, emitted));
      return { outcomes, emitted };
    });
  }

  private async applyRule(
    rule: ScoringRule,
    event: LeadEventRecordedV1,
    occurredAt: Date,
    now: Date,
  ): Promise<RuleOutcome['outcome']> {
    const prior = await this.priorApplications(rule, event.lead_id, occurredAt);
    if (isCapReached(rule, prior, occurredAt)) return 'capped';

    const expiresAt = expiresAtFor(occurredAt, rule.decayDays);
    // An old event still uses up its cap, but its points ran out before we saw it: they never count.
    const alreadyExpired = expiresAt !== null && expiresAt.getTime() <= now.getTime();
    const inserted = await this.ledger.insertOnce({
      leadId: event.lead_id,
      eventId: event.event_id,
      ruleId: rule.id,
      ruleSlug: rule.slug,
      ruleVersion: rule.version,
      category: rule.category,
      points: rule.points,
      occurredAt,
      expiresAt,
      expired: alreadyExpired,
      expiredAt: alreadyExpired ? now : null,
      reason: 'event',
    });
    if (!inserted) return 'already_applied';
    return alreadyExpired ? 'applied_expired' : 'applied';
  }

  /** Only the counts a rule's caps need are read. */
  private async priorApplications(
    rule: ScoringRule,
    leadId: string,
    occurredAt: Date,
  ): Promise<PriorApplications> {
    const lifetimeCount = rule.maxPerLead === null ? 0 : await this.ledger.countApplications(leadId, rule.id);
    const nearbyOccurredAt =
      rule.maxPerDay === null
        ? []
        : await this.ledger.applicationTimesBetween(
            leadId,
            rule.id,
            new Date(occurredAt.getTime() - ROLLING_DAY_MS),
            new Date(occurredAt.getTime() + ROLLING_DAY_MS),
          );
    return { lifetimeCount, nearbyOccurredAt };
  }
}
