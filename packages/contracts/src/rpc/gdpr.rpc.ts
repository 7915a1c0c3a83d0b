import { IsOptional, IsUUID } from 'class-validator';
import type {
  DealView,
  IntentSignalView,
  LeadView,
  ScoreLedgerRowView,
  StageHistoryView,
  TriggerRunView,
} from '../views/views';
import { WithActor } from './common';
import type { EventView } from './events.rpc';
import type { OrganizationView } from './organizations.rpc';
import type { TaskView } from './tasks.rpc';

/** `DELETE /gdpr/delete/:leadId` and `DELETE /leads/:id` (api.md §17, §5). */
export class EraseLeadCommand extends WithActor {
  @IsUUID() lead_id: string;
}

export type ErasureStatus = 'in_progress' | 'completed';

/** api.md §17 `GET /gdpr/erasures/:id`, plus what the 200 of `DELETE /gdpr/delete/:leadId` reports. */
export interface ErasureView {
  erasure_id: string;
  lead_id: string;
  status: ErasureStatus;
  services: Record<
    string,
    { status: 'pending' | 'completed'; deleted_records: Record<string, number> | null }
  >;
  anonymized_email: string;
  requested_at: string;
  completed_at: string | null;
}

/** What one service holds about a lead, for `GET /gdpr/export/:leadId` (each service answers its own part). */
export class GdprExportQuery {
  @IsUUID() lead_id: string;
  /** slack: the trigger runs (automation's) whose messages to count */
  @IsOptional() @IsUUID('all', { each: true }) run_ids?: string[];
}

export interface LeadsGdprExportView {
  lead: LeadView;
  organization: OrganizationView | null;
  events: EventView[];
  deals: DealView[];
  stage_history: StageHistoryView[];
  tasks: TaskView[];
  notes: unknown[];
}

export interface ScoringGdprExportView {
  score_history: ScoreLedgerRowView[];
  intent_signals: IntentSignalView[];
}

export interface AutomationGdprExportView {
  trigger_runs: TriggerRunView[];
}

export interface SlackGdprExportView {
  messages: number;
}

export interface MailerGdprExportView {
  /** emails sent to the lead (the delivery log keeps no content after an erasure). */
  emails: number;
}
