import type {
  MocoDealSnapshot,
  MocoLeadSnapshot,
  MocoOrganizationSnapshot,
  MocoSyncOptions,
} from '@crm/contracts';

/** The MOCO request bodies of what sync creates (external-apis.md 1.4; `*` fields always set). */

const DAY_MS = 86_400_000;

export function isoDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function daysFromNow(days: number, now = new Date()): string {
  return isoDate(new Date(now.getTime() + days * DAY_MS));
}

export function personName(lead: MocoLeadSnapshot): string {
  const name = [lead.first_name, lead.last_name].filter(Boolean).join(' ').trim();
  return name || lead.email || lead.id;
}

/** The customer's name: the trigger's `customer_name`, else the organization, else the lead. */
export function customerName(
  lead: MocoLeadSnapshot,
  organization: MocoOrganizationSnapshot | null,
  options: MocoSyncOptions,
): string {
  return options.customer_name || organization?.name || personName(lead);
}

export function companyBody(
  lead: MocoLeadSnapshot,
  organization: MocoOrganizationSnapshot | null,
  currency: string,
  crm: Record<string, string>,
  options: MocoSyncOptions = {},
): object {
  return {
    name: customerName(lead, organization, options),
    type: 'customer',
    currency,
    ...(organization?.website ? { website: organization.website } : {}),
    ...(organization?.country_code ? { country_code: organization.country_code.toUpperCase() } : {}),
    custom_properties: crm,
  };
}

export function contactBody(lead: MocoLeadSnapshot, companyId: number, crm: Record<string, string>): object {
  return {
    // lastname and gender are mandatory; MOCO's "U" is unknown gender.
    lastname: lead.last_name || lead.email?.split('@')[0] || 'Unknown',
    firstname: lead.first_name ?? '',
    gender: 'U',
    work_email: lead.email ?? '',
    work_phone: lead.phone ?? '',
    job_position: lead.job_title ?? '',
    company_id: companyId,
    custom_properties: crm,
  };
}

export function dealBody(
  deal: MocoDealSnapshot,
  refs: { companyId: number; personId: number; userId: number; categoryId: number },
  crm: Record<string, string>,
  options: MocoSyncOptions = {},
): object {
  return {
    name: options.name || deal.name,
    currency: deal.currency,
    money: options.money ?? deal.value ?? 0,
    reminder_date: deal.expected_close_date?.slice(0, 10) ?? daysFromNow(14),
    user_id: options.user_id ?? refs.userId,
    deal_category_id: options.deal_category_id ?? refs.categoryId,
    company_id: refs.companyId,
    person_id: refs.personId,
    status: 'pending',
    custom_properties: crm,
  };
}

function items(deal: MocoDealSnapshot, options: MocoSyncOptions): object[] {
  return [
    {
      type: 'item',
      title: options.item_title || deal.name,
      quantity: 1,
      unit: 'pauschal',
      unit_price: options.unit_price ?? deal.value ?? 0,
    },
  ];
}

export function offerBody(
  deal: MocoDealSnapshot,
  refs: { companyId: number; mocoDealId: number; recipient: string },
  tax: number,
  crm: Record<string, string>,
  options: MocoSyncOptions = {},
): object {
  return {
    company_id: refs.companyId,
    deal_id: refs.mocoDealId,
    recipient_address: options.recipient_address || refs.recipient,
    date: daysFromNow(0),
    due_date: daysFromNow(30),
    title: options.title || deal.name,
    tax: options.tax ?? tax,
    currency: deal.currency,
    items: items(deal, options),
    custom_properties: crm,
  };
}

export function projectBody(
  deal: MocoDealSnapshot,
  refs: { companyId: number; mocoDealId: number; leaderId: number },
  crm: Record<string, string>,
  options: MocoSyncOptions = {},
): object {
  const start = daysFromNow(0);
  const closing = deal.expected_close_date?.slice(0, 10);
  return {
    name: options.project_name || deal.name,
    currency: deal.currency,
    start_date: start,
    finish_date: closing && closing > start ? closing : daysFromNow(90),
    fixed_price: true,
    retainer: false,
    leader_id: options.leader_id ?? refs.leaderId,
    customer_id: refs.companyId,
    deal_id: refs.mocoDealId,
    ...(deal.value !== null ? { budget: deal.value } : {}),
    custom_properties: crm,
  };
}

export function invoiceDraftBody(
  deal: MocoDealSnapshot,
  refs: { companyId: number; recipient: string },
  tax: number,
  crm: Record<string, string>,
  options: MocoSyncOptions = {},
): object {
  return {
    customer_id: refs.companyId,
    recipient_address: options.recipient_address || refs.recipient,
    date: daysFromNow(0),
    due_date: daysFromNow(options.due_days ?? 14),
    title: options.title || deal.name,
    currency: deal.currency,
    tax: options.tax ?? tax,
    status: 'draft',
    items: items(deal, options),
    custom_properties: crm,
  };
}
