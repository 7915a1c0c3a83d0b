import { IsIn, IsISO8601, IsObject, IsUUID } from 'class-validator';
import { SERVICE_NAMES, type ServiceName } from '../messaging/services';

/**
 * api.md §19 `lead.erased` (GDPR §17): leads has erased the person's data it holds and asks every other service
 * to erase theirs. It carries no personal data: services find what to erase by the lead id.
 */
export class LeadErasedV1 {
  @IsUUID() erasure_id: string;
  @IsUUID() lead_id: string;
  @IsISO8601() erased_at: string;
}

/** A service's answer to `lead.erased`: it erased what it held about the lead (counts per kind of record). */
export class LeadErasureConfirmedV1 {
  @IsUUID() erasure_id: string;
  @IsUUID() lead_id: string;
  @IsIn(SERVICE_NAMES) service: ServiceName;
  @IsObject() deleted_records: Record<string, number>;
  @IsISO8601() erased_at: string;
}
