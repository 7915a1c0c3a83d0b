import { Subjects } from '@crm/contracts';
import type { OutboxMessage } from '@crm/messaging';
import type { LeadState } from './ingest-batch.plan';

type NewLeadFacts = Pick<
  LeadState,
  'id' | 'email' | 'firstName' | 'lastName' | 'organizationId' | 'firstTouchSource' | 'firstTouchCampaign'
>;

/** `lead.created` (api.md §19), whoever created the lead: ingest, `POST /leads` or an import. */
export function leadCreatedMessage(lead: NewLeadFacts, createdAt: Date): OutboxMessage {
  return {
    subject: Subjects.LeadCreated,
    data: {
      lead_id: lead.id,
      email: lead.email,
      first_name: lead.firstName,
      last_name: lead.lastName,
      organization_id: lead.organizationId,
      first_touch_source: lead.firstTouchSource,
      first_touch_campaign: lead.firstTouchCampaign,
      created_at: createdAt.toISOString(),
    },
  };
}
