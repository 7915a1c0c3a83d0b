import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  NotFoundError,
  Subjects,
  type CreateOrganizationCommand,
  type ListOrganizationsQuery,
  type ByIdCommand,
  type OrganizationView,
  type Page,
  type UpdateOrganizationCommand,
} from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { isUniqueViolation } from '../common/pg-errors';
import { normalizeDomain, type OrganizationFacts } from '../leads/company.rules';
import { fitProfileOf } from '../leads/lead-profile.rules';
import { LeadRepository } from '../leads/lead.repository';
import type { OrganizationEntity } from '../leads/organization.entity';
import { OrganizationRepository, type OrganizationFields } from '../leads/organization.repository';

/** The fields fit rules read of an organization: a change re-announces the profile of each of its leads. */
const FIT_FIELDS = ['name', 'domain', 'industry', 'companySize', 'country'] as const;

/** Organizations (api.md §6). Ingest finds or creates them from email domains; people edit them here. */
@Injectable()
export class OrganizationsService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly organizations: OrganizationRepository,
    private readonly leads: LeadRepository,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('organizations');
  }

  async list(query: ListOrganizationsQuery): Promise<Page<OrganizationView>> {
    return (await this.organizations.page(query)).page(toOrganizationView);
  }

  async get(id: string): Promise<OrganizationView> {
    return toOrganizationView(await this.found(id));
  }

  /** 201; a domain or portal id another organization has → 409 naming it. */
  async create({ body }: CreateOrganizationCommand): Promise<OrganizationView> {
    const fields: OrganizationFields = {
      name: body.name,
      domain: body.domain ? normalizeDomain(body.domain) : null,
      industry: body.industry ?? null,
      companySize: body.company_size ?? null,
      country: body.country?.toUpperCase() ?? null,
      portalId: body.portal_id ?? null,
      mocoId: body.moco_id ?? null,
      metadata: body.metadata ?? {},
    };
    const id = await this.unique(fields, () => this.tx.transaction(() => this.organizations.insert(fields)));
    return this.get(id);
  }

  /** Partial; when a field fit rules read changes, each lead of the organization announces its new profile. */
  async update({ id, body }: UpdateOrganizationCommand): Promise<OrganizationView> {
    await this.unique(body, () =>
      this.tx.transaction(async () => {
        const current = await this.organizations.lock(id);
        if (!current) throw new NotFoundError('Organization', id);
        const next: OrganizationFields = {
          name: body.name ?? current.name,
          domain:
            body.domain === undefined ? current.domain : body.domain ? normalizeDomain(body.domain) : null,
          industry: body.industry === undefined ? current.industry : body.industry,
          companySize: body.company_size === undefined ? current.companySize : body.company_size,
          country: body.country === undefined ? current.country : (body.country?.toUpperCase() ?? null),
          portalId: body.portal_id === undefined ? current.portalId : body.portal_id,
          mocoId: body.moco_id === undefined ? current.mocoId : body.moco_id,
          metadata: body.metadata ?? current.metadata,
        };
        await this.organizations.update(id, next);
        if (FIT_FIELDS.some((field) => next[field] !== current[field])) await this.announceProfiles(id, next);
        return id;
      }),
    );
    return this.get(id);
  }

  /** 409 `{lead_count}` while leads belong to it. */
  async delete({ id }: ByIdCommand): Promise<{ success: true }> {
    await this.tx.transaction(async () => {
      if (!(await this.organizations.lock(id))) throw new NotFoundError('Organization', id);
      const leadCount = await this.organizations.leadCount(id);
      if (leadCount > 0) {
        throw new ConflictError('Leads still belong to this organization', { lead_count: leadCount });
      }
      await this.organizations.delete(id);
    });
    return { success: true };
  }

  private async announceProfiles(id: string, organization: OrganizationFacts): Promise<void> {
    const peers = await this.leads.moveProfileVersionsOfOrganizations([id], []);
    const now = new Date().toISOString();
    await this.outbox.publishMany(
      peers.map((peer) => ({
        subject: Subjects.LeadProfileChanged,
        data: {
          lead_id: peer.id,
          profile_version: peer.profileVersion,
          lead_created: false,
          changed_at: now,
          profile: fitProfileOf(peer, peer, organization),
        },
      })),
    );
    this.log.info({ organization_id: id, leads: peers.length }, 'organization fit fields changed');
  }

  /** A clash on the unique domain or portal id becomes 409 naming the field. */
  private async unique<T>(
    fields: { domain?: string | null; portal_id?: string | null; portalId?: string | null },
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      for (const [constraint, field] of [
        ['organizations_domain_key', 'domain'],
        ['organizations_portal_id_key', 'portal_id'],
      ] as const) {
        if (isUniqueViolation(error, constraint)) {
          throw new ConflictError(`Another organization has this ${field}`, {
            [field]: field === 'domain' ? fields.domain : (fields.portal_id ?? fields.portalId),
          });
        }
      }
      throw error;
    }
  }

  private async found(id: string): Promise<OrganizationEntity> {
    const organization = await this.organizations.findById(id);
    if (!organization) throw new NotFoundError('Organization', id);
    return organization;
  }
}

function toOrganizationView(org: OrganizationEntity): OrganizationView {
  return {
    id: org.id,
    name: org.name,
    domain: org.domain,
    industry: org.industry,
    company_size: org.companySize,
    country: org.country,
    portal_id: org.portalId,
    moco_id: org.mocoId,
    metadata: org.metadata,
    created_at: org.createdAt.toISOString(),
    updated_at: org.updatedAt.toISOString(),
  };
}
