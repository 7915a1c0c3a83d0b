import { Injectable } from '@nestjs/common';
import {
  CreateIntentRuleBody,
  CreateScoringRuleBody,
  LeadIntentsPageQuery,
  PreviewScoringRuleBody,
  ValidationFailedError,
  ListIntentRulesQuery,
  UpdateIntentRuleBody,
  LeadScoresPageQuery,
  ListScoringRulesQuery,
  Queries,
  SCORE_TIER_MINIMUMS,
  ScoreHistoryPageQuery,
  UpdateScoringRuleBody,
  type ArchiveIntentRuleCommand,
  type ArchiveScoringRuleCommand,
  type CreateIntentRuleCommand,
  type IntentRuleView,
  type IntentSignalView,
  type LeadRecalculationView,
  type PreviewScoringRuleCommand,
  type QuerySubject,
  type RulePreviewView,
  type RecalculateLeadCommand,
  type ScoringJobView,
  type StartScoringJobCommand,
  type UpdateIntentRuleCommand,
  type CreateScoringRuleCommand,
  type LeadScoreHistoryQuery,
  type LeadView,
  type Page,
  type ScoreBreakdownView,
  type ScoreLedgerRowView,
  type ScoringRuleView,
  type UpdateScoringRuleCommand,
} from '@crm/contracts';
import { actorOf, type Principal } from '../auth/principal';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';

export interface ThresholdsView {
  thresholds: { COLD: number; WARM: number; HOT: number; VERY_HOT: number };
  tiers: { name: string; min: number; max: number | null; description: string }[];
}

/** Rules, ledgers and totals are owned by the scoring service; whether a lead exists, by leads (api.md §10). */
@Injectable()
export class ScoringService {
  constructor(private readonly rpc: GatewayRpc) {}

  listRules(query: unknown): Promise<Page<ScoringRuleView>> {
    return this.rpc.request(Queries.ScoringListRules, validateInput(ListScoringRulesQuery, query));
  }

  getRule(id: string): Promise<ScoringRuleView> {
    return this.rpc.request(Queries.ScoringGetRule, { id });
  }

  createRule(principal: Principal, body: unknown): Promise<ScoringRuleView> {
    const command: CreateScoringRuleCommand = {
      actor: actorOf(principal),
      body: validateInput(CreateScoringRuleBody, body),
    };
    return this.rpc.request(Queries.ScoringCreateRule, command);
  }

  updateRule(principal: Principal, id: string, body: unknown): Promise<ScoringRuleView> {
    const command: UpdateScoringRuleCommand = {
      actor: actorOf(principal),
      id,
      body: validateInput(UpdateScoringRuleBody, body),
    };
    return this.rpc.request(Queries.ScoringUpdateRule, command);
  }

  async archiveRule(principal: Principal, id: string): Promise<void> {
    const command: ArchiveScoringRuleCommand = { actor: actorOf(principal), id };
    await this.rpc.request(Queries.ScoringArchiveRule, command);
  }

  /**
   * `POST /scoring/rules/preview`: `rule` is checked as a create body, or with `rule_id` as a patch body; its
   * problems are reported under `rule.*`.
   */
  previewRule(body: unknown): Promise<RulePreviewView> {
    const input = validateInput(PreviewScoringRuleBody, body);
    const command: PreviewScoringRuleCommand = { rule_id: input.rule_id, archive: input.archive };
    if (!input.rule_id && input.archive) {
      throw new ValidationFailedError([
        { path: 'rule_id', message: 'archive needs a rule_id', code: 'isUuid' },
      ]);
    }
    if (!input.archive) {
      if (!input.rule_id && !input.rule) {
        throw new ValidationFailedError([{ path: 'rule', message: 'rule is required', code: 'isObject' }]);
      }
      const rule = input.rule ?? {};
      if (input.rule_id) command.update = withinRule(() => validateInput(UpdateScoringRuleBody, rule));
      else command.create = withinRule(() => validateInput(CreateScoringRuleBody, rule));
    }
    return this.rpc.request(Queries.ScoringPreviewRule, command);
  }

  thresholds(): ThresholdsView {
    const { cold, warm, hot, very_hot } = SCORE_TIER_MINIMUMS;
    return {
      thresholds: { COLD: cold, WARM: warm, HOT: hot, VERY_HOT: very_hot },
      tiers: [
        { name: 'cold', min: cold, max: warm - 1, description: 'Little engagement so far' },
        {
          name: 'warm',
          min: warm,
          max: hot - 1,
          description: 'Engaged; ready for routing when intent is clear',
        },
        { name: 'hot', min: hot, max: very_hot - 1, description: 'Strong buying signals; alert sales' },
        { name: 'very_hot', min: very_hot, max: null, description: 'Act now' },
      ],
    };
  }

  /** `GET /leads/:id/scores`: the ledger, newest first, offset paging (limit ≤ 100). 404 for an unknown lead. */
  async leadScores(leadId: string, query: unknown): Promise<{ data: ScoreLedgerRowView[] }> {
    const page = validateInput(LeadScoresPageQuery, query);
    return this.history({ lead_id: leadId, ...page });
  }

  /** `GET /scoring/leads/:leadId/history` (limit 1–500). 404 for an unknown lead. */
  async leadHistory(leadId: string, query: unknown): Promise<{ data: ScoreLedgerRowView[] }> {
    const { limit } = validateInput(ScoreHistoryPageQuery, query);
    return this.history({ lead_id: leadId, limit, offset: 0 });
  }

  async leadBreakdown(leadId: string): Promise<ScoreBreakdownView & { email: string | null }> {
    const { lead, answer } = await this.withLead<ScoreBreakdownView>(leadId, Queries.ScoringLeadBreakdown, {
      id: leadId,
    });
    const { lead_id, ...scores } = answer;
    return { lead_id, email: lead.email, ...scores };
  }

  listIntentRules(query: unknown): Promise<Page<IntentRuleView>> {
    return this.rpc.request(Queries.ScoringListIntentRules, validateInput(ListIntentRulesQuery, query));
  }

  getIntentRule(id: string): Promise<IntentRuleView> {
    return this.rpc.request(Queries.ScoringGetIntentRule, { id });
  }

  createIntentRule(principal: Principal, body: unknown): Promise<IntentRuleView> {
    const command: CreateIntentRuleCommand = {
      actor: actorOf(principal),
      body: validateInput(CreateIntentRuleBody, body),
    };
    return this.rpc.request(Queries.ScoringCreateIntentRule, command);
  }

  updateIntentRule(principal: Principal, id: string, body: unknown): Promise<IntentRuleView> {
    const command: UpdateIntentRuleCommand = {
      actor: actorOf(principal),
      id,
      body: validateInput(UpdateIntentRuleBody, body),
    };
    return this.rpc.request(Queries.ScoringUpdateIntentRule, command);
  }

  async archiveIntentRule(principal: Principal, id: string): Promise<void> {
    const command: ArchiveIntentRuleCommand = { actor: actorOf(principal), id };
    await this.rpc.request(Queries.ScoringArchiveIntentRule, command);
  }

  /** `GET /leads/:id/intents`: the lead's intent signals, newest first. 404 for an unknown lead. */
  async leadIntents(leadId: string, query: unknown): Promise<{ data: IntentSignalView[] }> {
    const page = validateInput(LeadIntentsPageQuery, query);
    const data = { lead_id: leadId, ...page };
    return (await this.withLead<{ data: IntentSignalView[] }>(leadId, Queries.ScoringLeadIntents, data))
      .answer;
  }

  /** 404 for a lead the leads service does not know; else the replay, at once. */
  async recalculateLead(principal: Principal, leadId: string): Promise<LeadRecalculationView> {
    await this.rpc.request<LeadView>(Queries.LeadsGetLead, { id: leadId });
    const command: RecalculateLeadCommand = { actor: actorOf(principal), lead_id: leadId };
    return this.rpc.request(Queries.ScoringRecalculateLead, command);
  }

  recalculateAll(principal: Principal): Promise<{ job_id: string; leads_queued: number }> {
    const command: StartScoringJobCommand = { actor: actorOf(principal) };
    return this.rpc.request(Queries.ScoringRecalculateAll, command);
  }

  expire(principal: Principal): Promise<{ job_id: string }> {
    const command: StartScoringJobCommand = { actor: actorOf(principal) };
    return this.rpc.request(Queries.ScoringExpire, command);
  }

  job(id: string): Promise<ScoringJobView> {
    return this.rpc.request(Queries.ScoringGetJob, { id });
  }

  private async history(query: LeadScoreHistoryQuery): Promise<{ data: ScoreLedgerRowView[] }> {
    return (
      await this.withLead<{ data: ScoreLedgerRowView[] }>(query.lead_id, Queries.ScoringLeadHistory, query)
    ).answer;
  }

  /**
   * Scoring's answer about a lead, asked together with the leads service, which owns whether the lead exists:
   * an unknown lead is its 404 (scoring alone would answer an empty ledger).
   */
  private async withLead<T>(
    leadId: string,
    query: QuerySubject,
    data: object,
  ): Promise<{ lead: LeadView; answer: T }> {
    const [lead, answer] = await Promise.all([
      this.rpc.request<LeadView>(Queries.LeadsGetLead, { id: leadId }),
      this.rpc.request<T>(query, data),
    ]);
    return { lead, answer };
  }
}

/** Validation problems of the nested rule, with paths under `rule.`. */
function withinRule<T>(validate: () => T): T {
  try {
    return validate();
  } catch (error) {
    if (!(error instanceof ValidationFailedError)) throw error;
    const issues = (error.details?.validation_errors ?? []) as {
      path: string;
      message: string;
      code: string;
    }[];
    throw new ValidationFailedError(issues.map((issue) => ({ ...issue, path: `rule.${issue.path}` })));
  }
}
