import { Injectable } from '@nestjs/common';
import {
  BadRequestError,
  ConflictError,
  LEAD_IDENTIFIER_KEYS,
  NotFoundError,
  Subjects,
  type CreateLeadBody,
  type CreateLeadCommand,
  type LeadView,
  type UpdateLeadBody,
  type UpdateLeadCommand,
} from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { emailDomain, isFreeMailDomain, type OrganizationFacts } from './company.rules';
import { identityKey } from './ingest-batch.plan';
import { IDENTIFIER_FIELD, type IdentifierKey } from './identity.rules';
import { IngestLockRepository } from './ingest-lock.repository';
import { fitProfileChanged, fitProfileOf } from './lead-profile.rules';
import type { LeadEntity } from './lead.entity';
import { leadCreatedMessage } from './lead.events';
import { toLeadView } from './lead.mapper';
import { LeadRepository } from './lead.repository';
import { OrganizationRepository } from './organization.repository';

/** api.md §5 body field → lead property, for the fields POST and PATCH set as sent. */
const EDITABLE_FIELDS = {
  email: 'email',
  first_name: 'firstName',
  last_name: 'lastName',
  phone: 'phone',
  job_title: 'jobTitle',
  organization_id: 'organizationId',
  status: 'status',
  lifecycle_stage: 'lifecycleStage',
  portal_id: 'portalId',
  waalaxy_id: 'waalaxyId',
  lemlist_id: 'lemlistId',
  linkedin_url: 'linkedinUrl',
  consent_date: 'consentDate',
  consent_source: 'consentSource',
  first_touch_source: 'firstTouchSource',
  first_touch_campaign: 'firstTouchCampaign',
  metadata: 'metadata',
  gdpr_delete_requested: 'gdprDeleteRequested',
} as const satisfies Partial<Record<keyof UpdateLeadBody, keyof LeadEntity>>;
type EditableField = keyof typeof EDITABLE_FIELDS;

const DATE_FIELDS = new Set<EditableField>(['consent_date', 'gdpr_delete_requested']);

/** Leads people and scripts create and edit (api.md §5 POST and PATCH); ingest creates most of them. */
@Injectable()
export class LeadRecordsService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly leads: LeadRepository,
    private readonly organizations: OrganizationRepository,
    private readonly locks: IngestLockRepository,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('lead-records');
  }

  /**
   * 201. A taken email or external id → 409 naming the lead that holds it. Without `organization_id` the
   * organization of the email's (corporate) domain is found or created. Announces the fit profile, so fit rules
   * score the lead, and `lead.created`.
   */
  async create({ body }: CreateLeadCommand): Promise<LeadView> {
    const values = valuesOf(body);
    const id = await this.tx.transaction(async () => {
      const domain = corporateDomainOf(values.email as string);
      const withOrganization = body.organization_id === undefined || body.organization_id === null;
      await this.locks.lock(this.lockKeys(values, withOrganization ? domain : null));
      await this.assertIdentifiersFree(values, null);
      if (values.organizationId) await this.assertOrganizationExists(values.organizationId);
      else if (domain) values.organizationId = await this.organizationOfDomain(domain);
      if (values.firstTouchSource) values.firstTouchDate = new Date();
      const leadId = await this.leads.insertOne({
        ...values,
        status: values.status ?? 'new',
        lifecycleStage: values.lifecycleStage ?? 'lead',
        intentSummary: { research: 0, b2b: 0, co_creation: 0 },
        profileVersion: 1,
      });
      const lead = (await this.leads.findById(leadId)) as LeadEntity;
      await this.outbox.publishMany([
        { subject: Subjects.LeadProfileChanged, data: this.profileChange(lead, true) },
        leadCreatedMessage(lead, lead.createdAt),
      ]);
      return leadId;
    });
    this.log.info({ lead_id: id }, 'lead created');
    return this.view(id);
  }

  /**
   * 200, partial. An email or external id another lead holds → 409. When a field fit rules read changes, the
   * lead announces its new fit profile. `lead.updated` names the fields that changed (none changed: no event).
   */
  async update({ id, body }: UpdateLeadCommand): Promise<LeadView> {
    const values = valuesOf(body);
    await this.tx.transaction(async () => {
      await this.locks.lock(this.lockKeys(values, null));
      const current = await this.leads.lock(id);
      if (!current) throw new NotFoundError('Lead', id);
      await this.assertIdentifiersFree(values, id);
      if (values.organizationId) await this.assertOrganizationExists(values.organizationId);
      const changed = changedFields(current, values);
      if (!changed.length) return;
      const before = await this.leads.findById(id);
      const changes: Partial<LeadEntity> = Object.fromEntries(
        changed.map((field) => [EDITABLE_FIELDS[field], values[EDITABLE_FIELDS[field]]]),
      );
      await this.leads.updateFields(id, changes);
      const after = (await this.leads.findById(id)) as LeadEntity;
      const messages = [];
      if (fitProfileChanged(this.fitProfile(before as LeadEntity), this.fitProfile(after))) {
        after.profileVersion = current.profileVersion + 1;
        await this.leads.updateFields(id, { profileVersion: after.profileVersion });
        messages.push({ subject: Subjects.LeadProfileChanged, data: this.profileChange(after, false) });
      }
      messages.push({
        subject: Subjects.LeadUpdated,
        data: { lead_id: id, changed_fields: changed, lead: { ...toLeadView(after) } },
      });
      await this.outbox.publishMany(messages);
      this.log.info({ lead_id: id, changed_fields: changed }, 'lead updated');
    });
    return this.view(id);
  }

  /** Ingest's locks of the lead's identifiers (and of the domain whose organization may be created). */
  private lockKeys(values: Partial<LeadEntity>, domain: string | null): string[] {
    const keys = identifiersOf(values).map(([key, value]) => identityKey(key, value));
    if (domain) keys.push(`organization-domain:${domain}`);
    return keys.sort();
  }

  private async assertIdentifiersFree(values: Partial<LeadEntity>, ownId: string | null): Promise<void> {
    const identifiers = identifiersOf(values);
    if (!identifiers.length) return;
    const wanted = Object.fromEntries(LEAD_IDENTIFIER_KEYS.map((key) => [key, [] as string[]]));
    for (const [key, value] of identifiers) wanted[key].push(value);
    const holders = await this.leads.lockByIdentifiers(wanted as Record<IdentifierKey, string[]>);
    for (const holder of holders) {
      if (holder.id === ownId) continue;
      for (const [key, value] of identifiers) {
        const held = holder[IDENTIFIER_FIELD[key]];
        if (held !== null && (key === 'email' ? held.toLowerCase() === value : held === value)) {
          throw new ConflictError(`Another lead has this ${key}`, {
            [key]: value,
            existing_lead_id: holder.id,
          });
        }
      }
    }
  }

  private async assertOrganizationExists(id: string): Promise<void> {
    if (!(await this.organizations.findById(id))) {
      throw new BadRequestError('organization_id names no organization', { organization_id: id });
    }
  }

  /** The organization of a corporate email domain, created (named by its domain) when there is none. */
  private async organizationOfDomain(domain: string): Promise<string> {
    const [existing] = await this.organizations.findByIdsDomainsOrNames({
      ids: [],
      domains: [domain],
      names: [],
    });
    return (
      existing?.id ??
      this.organizations.insert({
        name: domain,
        domain,
        industry: null,
        companySize: null,
        country: null,
        portalId: null,
        mocoId: null,
        metadata: {},
      })
    );
  }

  private fitProfile(lead: LeadEntity) {
    return fitProfileOf(lead, lead, lead.organization as OrganizationFacts | null);
  }

  private profileChange(lead: LeadEntity, created: boolean) {
    return {
      lead_id: lead.id,
      profile_version: lead.profileVersion,
      lead_created: created,
      changed_at: new Date().toISOString(),
      profile: this.fitProfile(lead),
    };
  }

  private async view(id: string): Promise<LeadView> {
    return toLeadView((await this.leads.findById(id)) as LeadEntity);
  }
}

/** The lead properties the body sets: emails lowercase, `""` LinkedIn URLs as none, dates as dates. */
function valuesOf(body: CreateLeadBody | UpdateLeadBody): Partial<LeadEntity> {
  const values: Record<string, unknown> = {};
  for (const [field, property] of Object.entries(EDITABLE_FIELDS) as [EditableField, keyof LeadEntity][]) {
    let value = (body as Partial<Record<EditableField, unknown>>)[field];
    if (value === undefined) continue;
    if (field === 'email') value = (value as string).trim().toLowerCase();
    if (field === 'linkedin_url') value = (value as string | null)?.replace(/\/+$/, '') || null;
    if (field === 'metadata') value = value ?? {};
    if (DATE_FIELDS.has(field) && value !== null) value = new Date(value as string);
    values[property] = value;
  }
  return values as Partial<LeadEntity>;
}

function identifiersOf(values: Partial<LeadEntity>): [IdentifierKey, string][] {
  return LEAD_IDENTIFIER_KEYS.flatMap((key) => {
    const value = values[IDENTIFIER_FIELD[key]];
    return typeof value === 'string' ? [[key, value] as [IdentifierKey, string]] : [];
  });
}

function corporateDomainOf(email: string): string | null {
  const domain = emailDomain(email);
  return domain && !isFreeMailDomain(domain) ? domain : null;
}

/** The body fields whose value differs from the lead's. */
function changedFields(lead: LeadEntity, values: Partial<LeadEntity>): EditableField[] {
  return (Object.keys(EDITABLE_FIELDS) as EditableField[]).filter((field) => {
    const property = EDITABLE_FIELDS[field];
    if (!(property in values)) return false;
    return comparable(lead[property]) !== comparable(values[property]);
  });
}

function comparable(value: unknown): string {
  return value instanceof Date ? value.toISOString() : JSON.stringify(value ?? null);
}
