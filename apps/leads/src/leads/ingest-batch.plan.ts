import { randomUUID } from 'node:crypto';
import { LEAD_IDENTIFIER_KEYS } from '@crm/contracts';
import { planAttribution, type AttributionFields, type Touch } from './attribution.rules';
import {
  canCreateOrganization,
  describesOrganization,
  planOrganizationFill,
  type CompanyHints,
  type OrganizationFacts,
  type OrganizationFill,
} from './company.rules';
import {
  IDENTIFIER_FIELD,
  pickMatchingLead,
  planIdentityFill,
  type IdentifierKey,
  type IdentityCandidate,
  type NormalizedIdentifier,
  type ProfileFields,
} from './identity.rules';

/**
 * Identity resolution of a whole batch of ingest events in memory, event by event in stream order, over the
 * leads and organizations the batch can touch (read and locked beforehand). Each event sees what the events
 * before it created or filled, exactly as if they had been recorded one after another; what the batch
 * changes comes out as rows to insert and update in bulk.
 */

/** A lead as identity resolution, organization linking and attribution read and write it. */
export interface LeadState extends IdentityCandidate, AttributionFields {
  organizationId: string | null;
  /** Grows with every change of a field fit rules read; see markProfileChanged. */
  profileVersion: number;
}

export interface OrganizationState extends OrganizationFacts {
  id: string;
  createdAt: Date;
}

/** A lead nobody knows anything about yet. */
export function emptyLeadState(id: string): LeadState {
  return {
    id,
    email: null,
    portalId: null,
    waalaxyId: null,
    linkedinUrl: null,
    lemlistId: null,
    firstName: null,
    lastName: null,
    phone: null,
    jobTitle: null,
    organizationId: null,
    firstTouchSource: null,
    firstTouchCampaign: null,
    firstTouchDate: null,
    lastTouchSource: null,
    lastTouchCampaign: null,
    lastTouchDate: null,
    lastActivity: null,
    profileVersion: 0,
  };
}

/** Everything one event says about its lead. */
export interface IngestFacts {
  identifier: NormalizedIdentifier;
  profile: Partial<ProfileFields>;
  company: CompanyHints;
  touch: Touch;
}

export interface LeadResolution {
  leadId: string;
  created: boolean;
  matchedBy: IdentifierKey | null;
}

/**
 * What an import row (api.md §4.4) does with its lead: `apply` (a new lead, or a known one whose empty fields it
 * fills), `skip` (a known lead left untouched) or `conflict` (another lead holds one of its identifiers).
 */
export type ImportDecision =
  | { kind: 'apply' }
  | { kind: 'skip'; leadId: string }
  | { kind: 'conflict'; leadId: string; field: IdentifierKey };

/** Empty fields an existing organization gains (never overwriting: the store fills only what is still empty). */
export type OrganizationFillRow = OrganizationFill & { id: string; domain?: string };

/** The batch's identifier values per key, to find every lead the batch can match in one lookup. */
export type IdentifierValues = Record<IdentifierKey, string[]>;

type LeadPatch = Partial<Omit<LeadState, 'id'>>;

/** `email` values are lowercase (normalizeIdentifier), and so is the email key of a stored lead here. */
export function identityKey(key: IdentifierKey, value: string): string {
  return `${key}:${key === 'email' ? value.toLowerCase() : value}`;
}

/**
 * Keys that serialise concurrent batches touching the same person or company (advisory locks): every
 * identifier of every event, and every company domain and name. Sorted, so lockers never wait in a cycle.
 */
export function ingestLockKeys(events: readonly IngestFacts[]): string[] {
  const keys = new Set<string>();
  for (const { identifier, company } of events) {
    for (const key of LEAD_IDENTIFIER_KEYS) {
      const value = identifier[key];
      if (value) keys.add(identityKey(key, value));
    }
    if (company.domain) keys.add(`organization-domain:${company.domain}`);
    if (company.name) keys.add(`organization-name:${company.name.toLowerCase()}`);
  }
  return [...keys].sort();
}

export function identifierValuesOf(events: readonly IngestFacts[]): IdentifierValues {
  const values = Object.fromEntries(LEAD_IDENTIFIER_KEYS.map((key) => [key, new Set<string>()])) as Record<
    IdentifierKey,
    Set<string>
  >;
  for (const { identifier } of events) {
    for (const key of LEAD_IDENTIFIER_KEYS) {
      const value = identifier[key];
      if (value) values[key].add(value);
    }
  }
  return Object.fromEntries(LEAD_IDENTIFIER_KEYS.map((key) => [key, [...values[key]]])) as IdentifierValues;
}

/** Company domains and lowercase names of the batch, to find every organization it can match in one lookup. */
export function companyKeysOf(events: readonly IngestFacts[]): { domains: string[]; names: string[] } {
  const domains = new Set<string>();
  const names = new Set<string>();
  for (const { company } of events) {
    if (company.domain) domains.add(company.domain);
    if (company.name) names.add(company.name.toLowerCase());
  }
  return { domains: [...domains], names: [...names] };
}

export class IngestBatchPlan {
  private readonly leadByIdentity = new Map<string, LeadState>();
  private readonly createdLeads: LeadState[] = [];
  private readonly changedLeadIds = new Set<string>();

  private readonly organizationById = new Map<string, OrganizationState>();
  private readonly organizationByDomain = new Map<string, OrganizationState>();
  private readonly organizationsByName = new Map<string, OrganizationState[]>();
  private readonly createdOrganizations: OrganizationState[] = [];
  private readonly createdOrganizationIds = new Set<string>();
  private readonly organizationFills = new Map<string, OrganizationFillRow>();
  private readonly existingLeads: LeadState[];

  /**
   * `leads`: every lead holding any identifier of the batch (locked); `organizations`: those leads' own
   * organizations and every organization with a domain or name of the batch. Both are copied, not changed.
   */
  constructor(
    leads: readonly LeadState[],
    organizations: readonly OrganizationState[],
    private readonly newId: () => string = randomUUID,
  ) {
    this.existingLeads = leads.map((lead) => ({ ...lead }));
    for (const lead of this.existingLeads) this.indexLead(lead);
    for (const organization of organizations) this.indexOrganization({ ...organization });
  }

  /** Resolves the next event's lead (creating it when nobody holds its identifiers) and applies the event. */
  apply(facts: IngestFacts): LeadResolution {
    const candidates = this.candidatesOf(facts.identifier);
    const match = pickMatchingLead(facts.identifier, candidates);
    const lead = match ? match.lead : this.createLead(facts);
    if (match) this.patchLead(lead, planIdentityFill(lead, facts.identifier, facts.profile, candidates));
    const organizationId = this.linkOrganization(lead, facts.company);
    this.patchLead(lead, {
      ...(organizationId ? { organizationId } : {}),
      ...planAttribution(lead, facts.touch),
    });
    return { leadId: lead.id, created: !match, matchedBy: match?.matchedBy ?? null };
  }

  /**
   * How an import row resolves against the leads as the batch has left them so far. An import row names its
   * lead by email, as `POST /leads` does: another lead holding one of its other identifiers (a LinkedIn URL of
   * someone else) is a conflict, except a lead without an email, which the row's email then completes.
   */
  importDecision(facts: IngestFacts, skipDuplicates: boolean): ImportDecision {
    const { email, ...otherIds } = facts.identifier;
    const candidates = this.candidatesOf(facts.identifier);
    const emailHolder = email ? pickMatchingLead({ email }, candidates)?.lead : undefined;
    for (const other of candidates) {
      if (other === emailHolder || (!emailHolder && other.email === null)) continue;
      const field = pickMatchingLead(otherIds, [other])?.matchedBy ?? 'email';
      return { kind: 'conflict', leadId: other.id, field };
    }
    const known = emailHolder ?? candidates[0];
    return known && skipDuplicates ? { kind: 'skip', leadId: known.id } : { kind: 'apply' };
  }

  /** Leads the batch created, in their final state. */
  get newLeads(): readonly LeadState[] {
    return this.createdLeads;
  }

  /** Existing leads the batch changed, in their final state. */
  get changedLeads(): LeadState[] {
    return this.existingLeads.filter((lead) => this.changedLeadIds.has(lead.id));
  }

  /** Every existing lead of the batch (changed or not), in its final state. */
  get existingLeadStates(): readonly LeadState[] {
    return this.existingLeads;
  }

  /** An organization as the batch left it (created, filled or untouched), if the batch knows it. */
  organizationOf(id: string | null): OrganizationState | undefined {
    return id ? this.organizationById.get(id) : undefined;
  }

  /** A field fit rules read changed: the lead's next profile version, written with the lead. */
  markProfileChanged(lead: LeadState): number {
    lead.profileVersion += 1;
    if (!this.createdLeads.includes(lead)) this.changedLeadIds.add(lead.id);
    return lead.profileVersion;
  }

  get newOrganizations(): readonly OrganizationState[] {
    return this.createdOrganizations;
  }

  get filledOrganizations(): OrganizationFillRow[] {
    return [...this.organizationFills.values()];
  }

  private candidatesOf(identifier: NormalizedIdentifier): LeadState[] {
    const candidates = new Set<LeadState>();
    for (const key of LEAD_IDENTIFIER_KEYS) {
      const value = identifier[key];
      const lead = value ? this.leadByIdentity.get(identityKey(key, value)) : undefined;
      if (lead) candidates.add(lead);
    }
    return [...candidates];
  }

  private createLead({ identifier, profile }: IngestFacts): LeadState {
    const lead: LeadState = {
      ...emptyLeadState(this.newId()),
      email: identifier.email ?? null,
      portalId: identifier.portal_id ?? null,
      waalaxyId: identifier.waalaxy_id ?? null,
      linkedinUrl: identifier.linkedin_url ?? null,
      lemlistId: identifier.lemlist_id ?? null,
      ...profile,
    };
    this.createdLeads.push(lead);
    this.indexLead(lead);
    return lead;
  }

  private patchLead(lead: LeadState, patch: LeadPatch): void {
    const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
    if (!entries.length) return;
    Object.assign(lead, Object.fromEntries(entries));
    this.indexLead(lead);
    this.changedLeadIds.add(lead.id);
  }

  private indexLead(lead: LeadState): void {
    for (const key of LEAD_IDENTIFIER_KEYS) {
      const held = lead[IDENTIFIER_FIELD[key]];
      if (held) this.leadByIdentity.set(identityKey(key, held), lead);
    }
  }

  /**
   * The lead's organization: its own, enriched with empty fields; or, for a lead without one, the organization
   * of the event's corporate domain, else of its company name, created when neither exists.
   * Returns the organization id to link, or null when nothing changes.
   */
  private linkOrganization(lead: LeadState, company: CompanyHints): string | null {
    if (lead.organizationId) {
      const own = this.organizationById.get(lead.organizationId);
      if (own && describesOrganization(own, company)) {
        this.fillOrganization(own, planOrganizationFill(own, company));
      }
      return null;
    }
    if (!canCreateOrganization(company)) return null;
    if (company.domain) {
      const byDomain = this.organizationByDomain.get(company.domain);
      if (byDomain) {
        this.fillOrganization(byDomain, planOrganizationFill(byDomain, company));
        return byDomain.id;
      }
    }
    if (company.name) {
      const byName = this.organizationByName(company.name, company.domain);
      if (byName) {
        const fill = planOrganizationFill(byName, company);
        this.fillOrganization(byName, company.domain ? { ...fill, domain: company.domain } : fill);
        return byName.id;
      }
    }
    return this.createOrganization(company).id;
  }

  /** The oldest organization of that name (case-insensitive) that has no other domain than `domain`. */
  private organizationByName(name: string, domain: string | null): OrganizationState | undefined {
    const named = this.organizationsByName.get(name.toLowerCase()) ?? [];
    return named
      .filter((org) => !domain || org.domain === null || org.domain === domain)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))[0];
  }

  private createOrganization(company: CompanyHints): OrganizationState {
    const empty = { name: '', domain: null, industry: null, companySize: null, country: null };
    const fill = planOrganizationFill(empty, company);
    const organization: OrganizationState = {
      id: this.newId(),
      name: company.name ?? company.domain ?? '',
      domain: company.domain,
      industry: fill.industry ?? null,
      companySize: fill.companySize ?? null,
      country: fill.country ?? null,
      createdAt: new Date(),
    };
    this.createdOrganizations.push(organization);
    this.createdOrganizationIds.add(organization.id);
    this.indexOrganization(organization);
    return organization;
  }

  /** Fills only fields that are still empty; an existing organization's fill is also kept for the store. */
  private fillOrganization(org: OrganizationState, fill: OrganizationFill & { domain?: string }): void {
    const filled: Partial<OrganizationFillRow> = {};
    for (const key of ['industry', 'companySize', 'country', 'domain'] as const) {
      const value = fill[key];
      if (!value || org[key] !== null) continue;
      org[key] = value;
      filled[key] = value;
    }
    if (!Object.keys(filled).length) return;
    this.indexOrganization(org);
    if (this.createdOrganizationIds.has(org.id)) return;
    this.organizationFills.set(org.id, { ...this.organizationFills.get(org.id), ...filled, id: org.id });
  }

  private indexOrganization(org: OrganizationState): void {
    if (!this.organizationById.has(org.id)) {
      this.organizationById.set(org.id, org);
      const name = org.name.toLowerCase();
      this.organizationsByName.set(name, [...(this.organizationsByName.get(name) ?? []), org]);
    }
    if (org.domain) this.organizationByDomain.set(org.domain, org);
  }
}
