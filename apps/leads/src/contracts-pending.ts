/**
 * Contract changes the leads service needs from @crm/contracts (owned by the lead). Move these there and
 * delete this file.
 *
 * A lead created from an external id alone (Waalaxy, Lemlist, portal) has no email until an event brings one,
 * so every view that shows the lead's email must allow null:
 *   - LeadView.email: string | null
 *   - DealView.lead_email / DealView.contact_email: string | null
 *   - DealStageChangedV1.lead (LeadSnapshot).email: `@IsOptional() @IsString() email: string | null`
 */
import type { DealView, LeadView } from '@crm/contracts';

export type LeadViewWithOptionalEmail = Omit<LeadView, 'email'> & { email: string | null };

export type DealViewWithOptionalEmail = Omit<DealView, 'lead_email' | 'contact_email'> & {
  lead_email: string | null;
  contact_email: string | null;
};
