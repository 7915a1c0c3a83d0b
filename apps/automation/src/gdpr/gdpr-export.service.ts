import { Injectable } from '@nestjs/common';
import type { AutomationGdprExportView, GdprExportQuery } from '@crm/contracts';
import { TriggerRunsService } from '../runs/trigger-runs.service';

/** Far beyond any real lead's runs; keeps one export bounded. */
const MAX_RECORDS = 100_000;

/** Automation's part of a GDPR export (api.md §17): the lead's trigger runs with their steps and payloads. */
@Injectable()
export class GdprExportService {
  constructor(private readonly runs: TriggerRunsService) {}

  async export({ lead_id }: GdprExportQuery): Promise<AutomationGdprExportView> {
    return { trigger_runs: (await this.runs.listRuns({ lead_id, page: 1, limit: MAX_RECORDS })).data };
  }
}
