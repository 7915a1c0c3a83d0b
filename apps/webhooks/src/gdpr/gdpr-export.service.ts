import { Injectable } from '@nestjs/common';
import type { GdprExportQuery, WebhooksGdprExportView } from '@crm/contracts';
import { LeadErasureRepository } from './lead-erasure.repository';

/** Webhooks' part of a GDPR export (api.md §17): how many deliveries were about the lead. */
@Injectable()
export class GdprExportService {
  constructor(private readonly repository: LeadErasureRepository) {}

  async export({ lead_id }: GdprExportQuery): Promise<WebhooksGdprExportView> {
    return { webhook_deliveries: await this.repository.countDeliveriesOf(lead_id) };
  }
}
