import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { LeadView } from '@crm/contracts';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import type { AutomationRuleEntity } from './automation-rule.entity';
import { LeadsDirectory } from './leads-directory';
import { RuleActionDispatcher, type FiringDeal } from './rule-action.dispatcher';
import { RuleLogEntity } from './rule-log.entity';
import { RuleLogsRepository } from './rule-logs.repository';

/** One rule firing for one cause. `occurrenceKey` names the cause: the same cause never fires a rule twice. */
export interface Firing {
  rule: AutomationRuleEntity;
  occurrenceKey: string;
  leadId: string | null;
  deal: FiringDeal | null;
  score?: number | null;
  triggerData: Record<string, unknown>;
}

/**
 * Records firings (one log row each) and carries out the actions of the ones that are new; runs in the caller's
 * transaction, so log rows and commands commit with the consumed message (or not at all).
 */
@Injectable()
export class RuleFiringService {
  private readonly log: Logger;

  constructor(
    private readonly logs: RuleLogsRepository,
    private readonly leads: LeadsDirectory,
    private readonly dispatcher: RuleActionDispatcher,
    logger: AppLogger,
  ) {
    this.log = logger.child('rule-firing');
  }

  /** Returns how many firings were new (a redelivered cause adds none). */
  async fire(firings: Firing[]): Promise<number> {
    if (!firings.length) return 0;
    const now = new Date();
    const rows = firings.map((firing) => {
      const row: RuleLogEntity = {
        id: randomUUID(),
        rule_id: firing.rule.id,
        occurrence_key: firing.occurrenceKey,
        lead_id: firing.leadId,
        deal_id: firing.deal?.id ?? null,
        trigger_data: firing.triggerData,
        action_result: null,
        success: null,
        error_message: null,
        executed_at: now,
        lead_email: null,
        lead_name: null,
      };
      return Object.assign(new RuleLogEntity(), row);
    });
    const inserted = await this.logs.insertNew(rows);
    // The lead is read from leads once per call, and only for firings that happen.
    const leads = new Map<string, LeadView | null>();
    for (const [index, row] of rows.entries()) {
      if (!inserted.has(row.id)) continue;
      const firing = firings[index];
      let lead: LeadView | null = null;
      if (firing.leadId) {
        if (!leads.has(firing.leadId)) leads.set(firing.leadId, await this.leads.lead(firing.leadId));
        lead = leads.get(firing.leadId) ?? null;
      }
      row.lead_email = lead?.email ?? null;
      row.lead_name = lead ? [lead.first_name, lead.last_name].filter(Boolean).join(' ') || null : null;
      await this.dispatcher.dispatch(firing.rule, row, {
        lead,
        deal: firing.deal,
        score: firing.score ?? null,
      });
      await this.logs.save(row);
      this.log.info(
        { rule_id: firing.rule.id, log_id: row.id, action: firing.rule.action_type, success: row.success },
        'automation rule fired',
      );
    }
    return inserted.size;
  }
}
