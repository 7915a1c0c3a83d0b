import { Injectable } from '@nestjs/common';
import { NotFoundError, type MocoCustomerQuery } from '@crm/contracts';
import { MocoApi } from '../moco-client/moco-api';
import { MocoSettingsService } from './moco-settings.service';
import { LIVE_CHECK_MS } from './moco-status.service';

/**
 * `GET /integrations/moco/customer/:email` (api.md §15.2): MOCO has no email filter on companies, so the person is
 * found by full-text `term` and their company is returned.
 */
@Injectable()
export class MocoCustomerService {
  constructor(
    private readonly settings: MocoSettingsService,
    private readonly api: MocoApi,
  ) {}

  async byEmail({ email }: MocoCustomerQuery): Promise<Record<string, unknown>> {
    const conn = await this.settings.requireConnection();
    const people = await this.api.list(conn, 'contacts/people', { term: email }, LIVE_CHECK_MS);
    const wanted = email.toLowerCase();
    const person =
      people.find((p) => String(p.work_email ?? '').toLowerCase() === wanted) ??
      people.find((p) => String(p.home_email ?? '').toLowerCase() === wanted);
    const companyId = (person?.company as { id?: number } | null | undefined)?.id;
    const company = companyId ? await this.api.get(conn, 'companies', companyId, LIVE_CHECK_MS) : null;
    if (!company) throw new NotFoundError('MOCO customer', email);
    return company;
  }
}
