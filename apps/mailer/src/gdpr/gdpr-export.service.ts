import { Injectable } from '@nestjs/common';
import type { GdprExportQuery, MailerGdprExportView } from '@crm/contracts';
import { LeadErasureRepository } from './lead-erasure.repository';

/** The mailer's part of a GDPR export (api.md §17): how many emails were sent about the lead. */
@Injectable()
export class GdprExportService {
  constructor(private readonly repository: LeadErasureRepository) {}

  async export({ lead_id }: GdprExportQuery): Promise<MailerGdprExportView> {
    return { emails: await this.repository.countEmailsOf(lead_id) };
  }
}
