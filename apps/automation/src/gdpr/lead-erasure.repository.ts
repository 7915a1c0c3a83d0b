import { Injectable } from '@nestjs/common';
import { deleteCounted, eraseMessagesMentioning } from '@crm/messaging';
import { TransactionHost } from '@crm/service-kit';

/** What automation holds about a lead: its trigger runs with their rendered payloads, and their commands. */
@Injectable()
export class LeadErasureRepository {
  constructor(private readonly tx: TransactionHost) {}

  async eraseLead(leadId: string): Promise<Record<string, number>> {
    // Commands a run sent (a Slack post's text may name the person) carry the run id, not always the lead id.
    const runIds: { id: string }[] = await this.tx.manager.query(
      `SELECT id FROM trigger_runs WHERE lead_id = $1`,
      [leadId],
    );
    const runs = await deleteCounted(this.tx.manager, 'trigger_runs', leadId);
    const messages = await eraseMessagesMentioning(this.tx.manager, [leadId, ...runIds.map((run) => run.id)]);
    return { trigger_runs: runs, messages };
  }
}
