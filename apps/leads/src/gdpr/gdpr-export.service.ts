import { Injectable } from '@nestjs/common';
import { NotFoundError, type GdprExportQuery, type LeadsGdprExportView } from '@crm/contracts';
import { LeadActivityService } from '../activity/lead-activity.service';
import { DealsService } from '../deals/deals.service';
import { LeadNoteRepository } from '../imports/lead-note.repository';
import { toLeadView } from '../leads/lead.mapper';
import { LeadRepository } from '../leads/lead.repository';
import { OrganizationsService } from '../organizations/organizations.service';
import { TasksService } from '../tasks/tasks.service';

/** Everything this many records of one person is far beyond any real lead; the cap keeps one export bounded. */
const MAX_RECORDS = 100_000;

/** Leads' part of a GDPR export (api.md §17): the lead, its organization, events, deals with history, tasks. */
@Injectable()
export class GdprExportService {
  constructor(
    private readonly leads: LeadRepository,
    private readonly organizations: OrganizationsService,
    private readonly activity: LeadActivityService,
    private readonly deals: DealsService,
    private readonly tasks: TasksService,
    private readonly notes: LeadNoteRepository,
  ) {}

  async export({ lead_id }: GdprExportQuery): Promise<LeadsGdprExportView> {
    const lead = await this.leads.findById(lead_id);
    if (!lead) throw new NotFoundError('Lead', lead_id);
    const deals = (await this.deals.listDeals({ lead_id, page: 1, limit: MAX_RECORDS })).data;
    const histories = await Promise.all(deals.map((deal) => this.deals.dealHistory(deal.id)));
    return {
      lead: toLeadView(lead),
      organization: lead.organizationId ? await this.organizations.get(lead.organizationId) : null,
      events: (await this.activity.listEvents({ lead_id, limit: MAX_RECORDS, offset: 0 })).data,
      deals,
      stage_history: histories.flatMap((history) => history.data),
      tasks: (await this.tasks.ofLead(lead_id)).data,
      notes: (await this.notes.ofLead(lead_id, MAX_RECORDS)).map((note) => ({
        id: note.id,
        note_type: note.noteType,
        content: note.content,
        source: note.source,
        batch_id: note.batchId,
        created_at: new Date(note.createdAt).toISOString(),
      })),
    };
  }
}
