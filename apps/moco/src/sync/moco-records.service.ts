import { Injectable } from '@nestjs/common';
import type {
  MocoDealSnapshot,
  MocoLeadSnapshot,
  MocoOrganizationSnapshot,
  MocoSyncOptions,
} from '@crm/contracts';
import { MocoConfig } from '../config/moco.config';
import {
  MocoApi,
  MocoApiError,
  type MocoConnection,
  type MocoFilters,
  type MocoRecord,
  type MocoResourcePath,
} from '../moco-client/moco-api';
import { MappingRepository, type CrmType, type MocoType } from './mapping.repository';
import {
  companyBody,
  contactBody,
  customerName,
  dealBody,
  invoiceDraftBody,
  offerBody,
  projectBody,
} from './moco-bodies';

/** Creates after an unanswered create are tried this often, each after a fresh lookup. */
const CREATE_ATTEMPTS = 3;

interface EnsureSpec {
  crmType: CrmType;
  crmId: string;
  leadId: string;
  mocoType: MocoType;
  resource: MocoResourcePath;
  /** Lookups tried in order; the first that finds a record wins. */
  lookups: { filters: MocoFilters; accept?: (record: MocoRecord) => boolean }[];
  body: () => Promise<object> | object;
}

/**
 * Finds or creates one MOCO record per CRM entity, never two (external-apis.md 1.5): the stored mapping first
 * (unless forced), then a lookup by the CRM id in the custom field, then a fallback lookup, and only then a
 * create. A create that got no answer may have happened, so it is looked up again before it is repeated.
 */
@Injectable()
export class MocoRecordsService {
  /** Per MOCO account (base URL): its users and categories rarely change. */
  private readonly defaults = new Map<string, { userId: number; categoryId: number }>();

  constructor(
    private readonly api: MocoApi,
    private readonly mappings: MappingRepository,
    private readonly config: MocoConfig,
  ) {}

  company(
    conn: MocoConnection,
    lead: MocoLeadSnapshot,
    organization: MocoOrganizationSnapshot | null,
    currency: string,
    force: boolean,
    options: MocoSyncOptions = {},
  ): Promise<number> {
    const crmId = organization?.id ?? lead.id;
    const name = customerName(lead, organization, options);
    return this.ensure(conn, force, {
      crmType: organization ? 'organization' : 'lead',
      crmId,
      leadId: lead.id,
      mocoType: 'company',
      resource: 'companies',
      // A custom-property filter on companies works only together with `type` (external-apis.md 1.4).
      lookups: [
        { filters: { type: 'customer', ...this.crmFilter(crmId) } },
        { filters: { type: 'customer', term: name }, accept: (c) => sameText(c.name, name) },
      ],
      body: () => companyBody(lead, organization, currency, this.crmProperty(crmId), options),
    });
  }

  contact(conn: MocoConnection, lead: MocoLeadSnapshot, companyId: number, force: boolean): Promise<number> {
    return this.ensure(conn, force, {
      crmType: 'lead',
      crmId: lead.id,
      leadId: lead.id,
      mocoType: 'contact',
      resource: 'contacts/people',
      lookups: [
        { filters: this.crmFilter(lead.id) },
        ...(lead.email
          ? [{ filters: { term: lead.email }, accept: (p: MocoRecord) => sameText(p.work_email, lead.email) }]
          : []),
      ],
      body: () => contactBody(lead, companyId, this.crmProperty(lead.id)),
    });
  }

  deal(
    conn: MocoConnection,
    leadId: string,
    deal: MocoDealSnapshot,
    refs: { companyId: number; personId: number },
    force: boolean,
    options: MocoSyncOptions = {},
  ): Promise<number> {
    return this.ensure(conn, force, {
      crmType: 'deal',
      crmId: deal.id,
      leadId,
      mocoType: 'deal',
      resource: 'deals',
      lookups: [{ filters: this.crmFilter(deal.id) }],
      body: async () =>
        dealBody(
          deal,
          { ...refs, ...(await this.accountDefaults(conn)) },
          this.crmProperty(deal.id),
          options,
        ),
    });
  }

  offer(
    conn: MocoConnection,
    leadId: string,
    deal: MocoDealSnapshot,
    refs: { companyId: number; mocoDealId: number; recipient: string },
    force: boolean,
    options: MocoSyncOptions = {},
  ): Promise<number> {
    return this.ensure(conn, force, {
      crmType: 'deal',
      crmId: deal.id,
      leadId,
      mocoType: 'offer',
      resource: 'offers',
      lookups: [{ filters: this.crmFilter(deal.id) }, { filters: { deal_id: refs.mocoDealId } }],
      body: () => offerBody(deal, refs, this.config.MOCO_TAX, this.crmProperty(deal.id), options),
    });
  }

  project(
    conn: MocoConnection,
    leadId: string,
    deal: MocoDealSnapshot,
    refs: { companyId: number; mocoDealId: number },
    force: boolean,
    options: MocoSyncOptions = {},
  ): Promise<number> {
    return this.ensure(conn, force, {
      crmType: 'deal',
      crmId: deal.id,
      leadId,
      mocoType: 'project',
      resource: 'projects',
      lookups: [{ filters: this.crmFilter(deal.id) }, { filters: { deal_id: refs.mocoDealId } }],
      body: async () =>
        projectBody(
          deal,
          { ...refs, leaderId: (await this.accountDefaults(conn)).userId },
          this.crmProperty(deal.id),
          options,
        ),
    });
  }

  invoiceDraft(
    conn: MocoConnection,
    leadId: string,
    deal: MocoDealSnapshot,
    refs: { companyId: number; recipient: string },
    force: boolean,
    options: MocoSyncOptions = {},
  ): Promise<number> {
    return this.ensure(conn, force, {
      crmType: 'deal',
      crmId: deal.id,
      leadId,
      mocoType: 'invoice',
      resource: 'invoices',
      lookups: [{ filters: { company_id: refs.companyId, ...this.crmFilter(deal.id) } }],
      body: () => invoiceDraftBody(deal, refs, this.config.MOCO_TAX, this.crmProperty(deal.id), options),
    });
  }

  private async ensure(conn: MocoConnection, force: boolean, spec: EnsureSpec): Promise<number> {
    await this.mappings.lock(spec.crmId, spec.mocoType);
    if (!force) {
      const mapped = await this.mappings.find(spec.crmId, spec.mocoType);
      if (mapped !== null) return mapped;
    }
    for (let attempt = 1; ; attempt++) {
      const found = await this.lookup(conn, spec);
      if (found) return this.remember(spec, found.id);
      try {
        const created = await this.api.create(conn, spec.resource, await spec.body());
        return await this.remember(spec, created.id);
      } catch (error) {
        const unanswered = error instanceof MocoApiError && error.outcome === 'unknown';
        if (!unanswered || attempt >= CREATE_ATTEMPTS) throw error;
      }
    }
  }

  private async lookup(conn: MocoConnection, spec: EnsureSpec): Promise<MocoRecord | undefined> {
    for (const { filters, accept } of spec.lookups) {
      const records = await this.api.list(conn, spec.resource, filters);
      const found = accept ? records.find(accept) : records[0];
      if (found) return found;
    }
    return undefined;
  }

  private async remember(spec: EnsureSpec, mocoId: number): Promise<number> {
    await this.mappings.save({ ...spec, mocoId });
    return mocoId;
  }

  private crmFilter(crmId: string): MocoFilters {
    return { [`custom_properties[${this.config.MOCO_CRM_ID_FIELD}]`]: crmId };
  }

  private crmProperty(crmId: string): Record<string, string> {
    return { [this.config.MOCO_CRM_ID_FIELD]: crmId };
  }

  /** MOCO's mandatory `user_id`/`leader_id` and `deal_category_id`: its first active user and first category. */
  private async accountDefaults(conn: MocoConnection): Promise<{ userId: number; categoryId: number }> {
    const known = this.defaults.get(conn.baseUrl);
    if (known) return known;
    const users = await this.api.list(conn, 'users');
    const categories = await this.api.list(conn, 'deal_categories');
    const user = users.find((u) => u.active !== false);
    const category = [...categories].sort((a, b) => Number(a.probability) - Number(b.probability))[0];
    if (!user || !category) {
      throw new MocoApiError(
        'MOCO has no active user or no deal category to assign',
        null,
        false,
        'not_applied',
      );
    }
    const defaults = { userId: user.id, categoryId: category.id };
    this.defaults.set(conn.baseUrl, defaults);
    return defaults;
  }
}

function sameText(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();
}
