import { Injectable } from '@nestjs/common';
import type { GdprExportQuery, SlackGdprExportView } from '@crm/contracts';
import { LeadErasureRepository } from './lead-erasure.repository';

/**
 * Slack's part of a GDPR export (api.md §17): how many messages were posted about the lead. The log keeps no
 * text, only the requester's reference: the lead's trigger runs, which the gateway passes as `run_ids`, and the
 * alerts about the lead, whose reference names it.
 */
@Injectable()
export class GdprExportService {
  constructor(private readonly repository: LeadErasureRepository) {}

  async export({ lead_id, run_ids }: GdprExportQuery): Promise<SlackGdprExportView> {
    return { messages: await this.repository.countMessagesOf(run_ids ?? [], lead_id) };
  }
}
