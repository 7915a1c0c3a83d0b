import { Injectable } from '@nestjs/common';
import type { GdprExportQuery, SlackGdprExportView } from '@crm/contracts';
import { LeadErasureRepository } from './lead-erasure.repository';

/**
 * Slack's part of a GDPR export (api.md §17): how many messages were posted about the lead. The log keeps no
 * text, only the requester's reference: the lead's trigger runs, which the gateway passes as `run_ids`.
 */
@Injectable()
export class GdprExportService {
  constructor(private readonly repository: LeadErasureRepository) {}

  async export({ run_ids }: GdprExportQuery): Promise<SlackGdprExportView> {
    return { messages: await this.repository.countMessagesOf(run_ids ?? []) };
  }
}
