import { IsUUID } from 'class-validator';
import { WithActor } from './common';

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
