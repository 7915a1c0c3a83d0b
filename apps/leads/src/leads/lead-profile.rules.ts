import type { LeadFitOrganization, LeadFitProfile } from '@crm/contracts';
import type { OrganizationFacts } from './company.rules';
import type { LeadState } from './ingest-batch.plan';

/** What a lead's status fields are when the row does not say (a lead ingest creates). */
export const NEW_LEAD_STATUS = { status: 'new', lifecycleStage: 'lead' } as const;

export interface LeadStatusFields {
  status: string;
  lifecycleStage: string;
}

/** The fields fit rules read (api.md §10), of a lead and its organization. */
export function fitProfileOf(
  lead: Pick<
    LeadState,
    'email' | 'firstName' | 'lastName' | 'phone' | 'jobTitle' | 'firstTouchSource' | 'linkedinUrl'
  >,
  status: LeadStatusFields,
  organization: OrganizationFacts | null | undefined,
): LeadFitProfile {
  return {
    email: lead.email,
    first_name: lead.firstName,
    last_name: lead.lastName,
    phone: lead.phone,
    job_title: lead.jobTitle,
    status: status.status,
    lifecycle_stage: status.lifecycleStage,
    first_touch_source: lead.firstTouchSource,
    linkedin_url: lead.linkedinUrl,
    organization: organization ? fitOrganizationOf(organization) : null,
  };
}

function fitOrganizationOf(organization: OrganizationFacts): LeadFitOrganization {
  return {
    name: organization.name,
    domain: organization.domain,
    industry: organization.industry,
    company_size: organization.companySize,
    country: organization.country,
  };
}

/** Whether two fit profiles differ in any field (both are built by fitProfileOf: same keys, same order). */
export function fitProfileChanged(before: LeadFitProfile, after: LeadFitProfile): boolean {
  return JSON.stringify(before) !== JSON.stringify(after);
}
