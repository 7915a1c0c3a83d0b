import { Injectable } from '@nestjs/common';
import { Subjects, type LeadProfileChangedV1 } from '@crm/contracts';
import { Outbox, type OutboxMessage } from '@crm/messaging';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { IntentDetectionService } from '../intent/intent-detection.service';
import { addIntentPoints, intentDetectedOf, sameIntentSummary } from '../intent/intent.rules';
import { matchesFieldRule } from '../rules/field-rule-matcher';
import { LiveRulesCache } from '../rules/live-rules.cache';
import type { FieldRuleConditions } from '../rules/rule-conditions';
import type { ScoringRule } from '../rules/scoring-rule.entity';
import { LeadProfileRepository } from './lead-profile.repository';
import { LeadScoreRepository } from './lead-score.repository';
import { nextScore, type StoredScore } from './score-emission-plan';
import { ScoreLedgerRepository, type NewLedgerEntry } from './score-ledger.repository';
import { sameTotals } from './score-totals';

/** One profile change of a batch, with the message that carried it. */
export interface ProfileToScore {
  change: LeadProfileChangedV1;
  causedBy?: { id: string; correlation_id: string };
}

/**
 * Fit (`field`) rules, live (api.md §10): when a lead is created or a field they read changes, every live fit
 * rule is evaluated against the lead's new profile. A rule that matches and is not held applies once (a `fit`
 * row); a held rule that no longer matches is withdrawn (a `fit_withdrawn` row taking exactly the held points
 * back); a held rule that still matches stays as it is, even if its points were edited since (recalculation
 * re-applies edits). Rules that are no longer live keep what they gave until a recalculation. Field intent
 * rules are detected on the same profile; intent signals are never withdrawn.
 */
@Injectable()
export class FitScoringService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly liveRules: LiveRulesCache,
    private readonly profiles: LeadProfileRepository,
    private readonly ledger: ScoreLedgerRepository,
    private readonly leadScores: LeadScoreRepository,
    private readonly outbox: Outbox,
    private readonly intent: IntentDetectionService,
    logger: AppLogger,
  ) {
    this.log = logger.child('fit-scoring');
  }

  /**
   * Scores a batch of profile changes in one transaction with a fixed number of statements: per lead only its
   * newest profile counts, and only if it is newer than the one stored (a replayed or reordered older profile
   * changes nothing). Emits `scoring.lead.scored.v1` (reason `fit`) for each lead whose totals changed.
   */
  async scoreProfiles(batch: ProfileToScore[]): Promise<void> {
    const newest = new Map<string, ProfileToScore>();
    for (const item of batch) {
      const leadId = item.change.lead_id.toLowerCase();
      const held = newest.get(leadId);
      if (!held || held.change.profile_version < item.change.profile_version) {
        newest.set(leadId, { ...item, change: { ...item.change, lead_id: leadId } });
      }
    }
    if (!newest.size) return;
    await this.tx.transaction(async () => {
      const leadIds = [...newest.keys()];
      // The lead's lock first, as every score change of a lead: fit and event scoring of one lead never interleave.
      const stored = await this.leadScores.lockForScoring(leadIds);
      const storedProfiles = await this.profiles.storeNewer([...newest.values()].map((p) => p.change));
      const changed = leadIds.filter((id) => storedProfiles.has(id));
      if (!changed.length) return;

      const rules = await this.liveRules.current();
      const now = new Date();
      await this.ledger.expireDue(changed, now);
      const holdings = await this.ledger.fitHoldings(changed);
      const entries = changed.flatMap((leadId) =>
        fitEntriesOf(newest.get(leadId)!.change, rules.field, holdings.get(leadId) ?? new Map()),
      );
      await this.ledger.insertMany(entries);
      const totals = await this.ledger.sumLive(changed);
      const gains = await this.intent.detectForProfiles(
        changed.map((leadId) => {
          const { profile, changed_at } = newest.get(leadId)!.change;
          return { leadId, profile, changedAt: new Date(changed_at) };
        }),
        rules.intentField,
      );

      const scores: { leadId: string; score: StoredScore }[] = [];
      const messages: OutboxMessage[] = [];
      changed.forEach((leadId, i) => {
        const before = stored.get(leadId)!;
        const after = totals.get(leadId)!;
        let intent = before.intent;
        for (const gain of gains[i]) intent = addIntentPoints(intent, gain.intent, gain.points);
        if (sameTotals(before.totals, after) && sameIntentSummary(before.intent, intent)) return;
        const score = nextScore(
          leadId,
          before,
          { totals: after, intent },
          {
            reason: 'fit',
            eventId: null,
            pointsApplied: entries.filter((e) => e.leadId === leadId).reduce((sum, e) => sum + e.points, 0),
            scoredAt: now,
          },
        );
        scores.push({ leadId, score: { totals: after, tier: score.tier, version: score.version, intent } });
        const causedBy = newest.get(leadId)!.causedBy;
        messages.push({ subject: Subjects.LeadScored, data: score, options: { causedBy } });
        const detected = intentDetectedOf(leadId, before.intent, intent, now);
        if (detected)
          messages.push({ subject: Subjects.LeadIntentDetected, data: detected, options: { causedBy } });
      });
      await this.leadScores.saveScores(scores);
      await this.outbox.publishMany(messages);
      this.log.debug(
        { profiles: batch.length, leads: changed.length, rows: entries.length, emitted: messages.length },
        'fit rules applied',
      );
    });
  }
}

/** The ledger rows one lead's new profile calls for: applications of newly matching rules, withdrawals. */
export function fitEntriesOf(
  change: Pick<LeadProfileChangedV1, 'lead_id' | 'profile' | 'changed_at'>,
  rules: ScoringRule[],
  held: Map<string, number>,
): NewLedgerEntry[] {
  const entries: NewLedgerEntry[] = [];
  const occurredAt = new Date(change.changed_at);
  for (const rule of rules) {
    const matches = matchesFieldRule(rule.conditions as FieldRuleConditions, change.profile);
    const heldPoints = held.get(rule.id);
    if (matches && heldPoints === undefined) {
      entries.push(fitEntry(change.lead_id, rule, rule.points, 'fit', occurredAt));
    } else if (!matches && heldPoints !== undefined) {
      entries.push(fitEntry(change.lead_id, rule, -heldPoints, 'fit_withdrawn', occurredAt));
    }
  }
  return entries;
}

function fitEntry(
  leadId: string,
  rule: ScoringRule,
  points: number,
  reason: 'fit' | 'fit_withdrawn',
  occurredAt: Date,
): NewLedgerEntry {
  return {
    leadId,
    eventId: null,
    ruleId: rule.id,
    ruleSlug: rule.slug,
    ruleVersion: rule.version,
    category: rule.category,
    points,
    occurredAt,
    // Fit points describe who the lead is, not something they did: they never decay.
    expiresAt: null,
    expired: false,
    expiredAt: null,
    reason,
  };
}
