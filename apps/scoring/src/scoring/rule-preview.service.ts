import { Injectable } from '@nestjs/common';
import {
  BadRequestError,
  BusinessRuleError,
  NotFoundError,
  type LeadFitProfile,
  type PreviewScoringRuleCommand,
  type RulePreviewView,
} from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import { matchesEventRule } from '../rules/event-rule-matcher';
import { matchesFieldRule } from '../rules/field-rule-matcher';
import type { EventRuleConditions, FieldRuleConditions } from '../rules/rule-conditions';
import { assertNoNullWhere } from '../rules/rule-edits';
import type { ScoringRule } from '../rules/scoring-rule.entity';
import { ScoringRuleRepository, type RuleDefinition } from '../rules/scoring-rule.repository';
import {
  assertSoundDefinition,
  newRuleDefinition,
  patched,
  REQUIRED_WHEN_PRESENT,
} from '../rules/scoring-rules.service';
import { LeadProfileRepository } from './lead-profile.repository';
import { LeadScoreRepository } from './lead-score.repository';
import { NO_CAP_HISTORY, planRuleApplications } from './rule-application-plan';
import { ScoreLedgerRepository } from './score-ledger.repository';
import { ScoredEventRepository } from './scored-event.repository';
import { tierFor } from './score-tier';

const SAMPLE_SIZE = 20;

/**
 * What publishing a rule change would do to the leads' totals and tiers, computed without changing anything
 * (api.md §10 preview). A rule's caps are per (lead, rule), so a change moves only that rule's points: each
 * lead's new total is its total now, minus the rule's live points now, plus what the proposed rule gives on a
 * replay of the lead's stored events (event rules) or on its profile (fit rules), i.e. the total a
 * recalculation would reach for that rule. Reads only that rule's ledger rows and the events of its event type,
 * in one read-only snapshot.
 */
@Injectable()
export class RulePreviewService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly rules: ScoringRuleRepository,
    private readonly ledger: ScoreLedgerRepository,
    private readonly leadScores: LeadScoreRepository,
    private readonly profiles: LeadProfileRepository,
    private readonly scoredEvents: ScoredEventRepository,
  ) {}

  async preview(command: PreviewScoringRuleCommand): Promise<RulePreviewView> {
    return this.tx.transaction(async () => {
      await this.tx.manager.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const { current, proposed } = await this.proposal(command);
      const now = new Date();
      const oldPoints = current ? await this.ledger.livePointsOfRule(current.id) : new Map<string, number>();
      const newPoints = proposed ? await this.pointsOf(proposed, now) : new Map<string, number>();
      const scores = await this.leadScores.allTotals();

      const tierChanges: Record<string, number> = {};
      const changed: RulePreviewView['sample'] = [];
      for (const { leadId, total, tier } of scores) {
        const newTotal = total - (oldPoints.get(leadId) ?? 0) + (newPoints.get(leadId) ?? 0);
        if (newTotal === total) continue;
        const newTier = tierFor(newTotal);
        if (newTier !== tier)
          tierChanges[`${tier}>${newTier}`] = (tierChanges[`${tier}>${newTier}`] ?? 0) + 1;
        changed.push({
          lead_id: leadId,
          email: null,
          old_total: total,
          new_total: newTotal,
          old_tier: tier,
          new_tier: newTier,
        });
      }
      // The sample shows the largest moves first, tier changes before the rest.
      const sample = changed
        .sort(
          (a, b) =>
            Number(b.old_tier !== b.new_tier) - Number(a.old_tier !== a.new_tier) ||
            Math.abs(b.new_total - b.old_total) - Math.abs(a.new_total - a.old_total) ||
            (a.lead_id < b.lead_id ? -1 : 1),
        )
        .slice(0, SAMPLE_SIZE);
      const emails = await this.profiles.emailsOf(sample.map((s) => s.lead_id));
      for (const row of sample) row.email = emails.get(row.lead_id) ?? null;
      return {
        leads_evaluated: scores.length,
        leads_changed: changed.length,
        tier_changes: tierChanges,
        sample,
      };
    });
  }

  /** The rule as it is (null for a new one) and as proposed (null when archived or made inactive). */
  private async proposal(
    command: PreviewScoringRuleCommand,
  ): Promise<{ current: ScoringRule | null; proposed: RuleDefinition | null }> {
    if (!command.rule_id) {
      if (!command.create) throw new BadRequestError('A preview needs a rule, or a rule_id');
      const proposed = newRuleDefinition(command.create);
      assertSoundDefinition(proposed);
      return { current: null, proposed: proposed.isActive ? proposed : null };
    }
    const current = await this.rules.findById(command.rule_id);
    if (!current) throw new NotFoundError('ScoringRule', command.rule_id);
    if (current.archivedAt) throw new BusinessRuleError('The rule is archived');
    if (command.archive) return { current, proposed: null };
    const change = command.update ?? {};
    assertNoNullWhere(change, REQUIRED_WHEN_PRESENT);
    const proposed = patched(current, change);
    assertSoundDefinition(proposed);
    return { current, proposed: proposed.isActive ? proposed : null };
  }

  /** Per lead, the live points the proposed rule would hold after a recalculation. */
  private async pointsOf(rule: RuleDefinition, now: Date): Promise<Map<string, number>> {
    const points = new Map<string, number>();
    if (rule.ruleType === 'field') {
      for (const [leadId, profile] of await this.profiles.all()) {
        if (matchesFieldRule(rule.conditions as FieldRuleConditions, profile as LeadFitProfile)) {
          points.set(leadId, rule.points);
        }
      }
      return points;
    }
    const conditions = rule.conditions as EventRuleConditions;
    const events = (await this.scoredEvents.ofType(conditions.event_type)).filter((event) =>
      matchesEventRule(conditions, event),
    );
    const applicable = { id: 'proposed', version: 0, ...rule };
    const plans = events.map((event) => ({
      eventId: event.event_id,
      leadId: event.lead_id,
      occurredAt: event.occurred_at,
      matchingRules: [applicable],
    }));
    planRuleApplications(plans, NO_CAP_HISTORY, now).forEach(([application], i) => {
      if (application.decision !== 'apply' || application.alreadyExpired) return;
      const leadId = plans[i].leadId;
      points.set(leadId, (points.get(leadId) ?? 0) + rule.points);
    });
    return points;
  }
}
