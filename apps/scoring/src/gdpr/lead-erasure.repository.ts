import { Injectable } from '@nestjs/common';
import { deleteCounted, eraseMessagesMentioning } from '@crm/messaging';
import { TransactionHost } from '@crm/service-kit';

/** What scoring holds about a lead: its profile, totals, ledger, intent signals and scored events. */
@Injectable()
export class LeadErasureRepository {
  constructor(private readonly tx: TransactionHost) {}

  async eraseLead(leadId: string): Promise<Record<string, number>> {
    const erase = (table: string) => deleteCounted(this.tx.manager, table, leadId);
    const scoreHistory = await erase('score_ledger');
    const intentSignals = await erase('intent_signals');
    const scoredEvents = await erase('scored_events');
    await erase('lead_profiles');
    await erase('lead_scores');
    const messages = await eraseMessagesMentioning(this.tx.manager, [leadId]);
    return {
      score_history: scoreHistory,
      intent_signals: intentSignals,
      scored_events: scoredEvents,
      messages,
    };
  }
}
