import { Injectable } from '@nestjs/common';
import { deleteCounted, eraseMessagesMentioning } from '@crm/messaging';
import { TransactionHost } from '@crm/service-kit';

/**
 * What automation holds about a lead: its trigger runs with their rendered payloads, its automation-rule logs
 * (with the lead's email and name), the rules' state about it, and the commands both sent.
 */
@Injectable()
export class LeadErasureRepository {
  constructor(private readonly tx: TransactionHost) {}

  async eraseLead(leadId: string): Promise<Record<string, number>> {
    // Commands a run or a rule firing sent (a Slack post's text may name the person) carry the run or log id,
    // not always the lead id.
    const runIds: { id: string }[] = await this.tx.manager.query(
      `SELECT id FROM trigger_runs WHERE lead_id = $1`,
      [leadId],
    );
    const logIds: { id: string }[] = await this.tx.manager.query(
      `SELECT id FROM automation_rule_logs WHERE lead_id = $1`,
      [leadId],
    );
    const runs = await deleteCounted(this.tx.manager, 'trigger_runs', leadId);
    const ruleLogs = await deleteCounted(this.tx.manager, 'automation_rule_logs', leadId);
    await deleteCounted(this.tx.manager, 'automation_rule_arming', leadId);
    await deleteCounted(this.tx.manager, 'automation_deal_stages', leadId);
    const messages = await eraseMessagesMentioning(this.tx.manager, [
      leadId,
      ...runIds.map((run) => run.id),
      ...logIds.map((log) => log.id),
    ]);
    return { trigger_runs: runs, automation_rule_logs: ruleLogs, messages };
  }
}
