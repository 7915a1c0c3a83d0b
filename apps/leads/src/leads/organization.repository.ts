import { Injectable } from '@nestjs/common';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { ListOrganizationsQuery } from '@crm/contracts';
import { Keyset, readKeysetPage, TransactionHost, type KeyColumn, type KeysetRead } from '@crm/service-kit';
import { likePattern } from './lead.repository';
import type { OrganizationFillRow, OrganizationState } from './ingest-batch.plan';
import { OrganizationEntity } from './organization.entity';
import { Recordset } from './recordset';

const NEW_ORGANIZATION = new Recordset<OrganizationState>([
  ['id', 'id', 'uuid'],
  ['name', 'name', 'varchar'],
  ['domain', 'domain', 'varchar'],
  ['industry', 'industry', 'varchar'],
  ['company_size', 'companySize', 'varchar'],
  ['country', 'country', 'varchar'],
]);

/** Absent fields travel as NULL, which COALESCE leaves alone. */
const ORGANIZATION_FILL = new Recordset<OrganizationFillRow>([
  ['id', 'id', 'uuid'],
  ['industry', 'industry', 'varchar'],
  ['company_size', 'companySize', 'varchar'],
  ['country', 'country', 'varchar'],
  ['domain', 'domain', 'varchar'],
]);

/** What people edit of an organization (api.md §6). */
export type OrganizationFields = Pick<
  OrganizationEntity,
  'name' | 'domain' | 'industry' | 'companySize' | 'country' | 'portalId' | 'mocoId' | 'metadata'
>;

const ORGANIZATION_SORT_COLUMNS: Record<NonNullable<ListOrganizationsQuery['sort_by']>, KeyColumn> = {
  created_at: { sql: 'org.createdAt', type: 'timestamptz' },
  updated_at: { sql: 'org.updatedAt', type: 'timestamptz' },
  name: { sql: 'org.name', type: 'text' },
  domain: { sql: 'org.domain', type: 'text', nullable: true },
  industry: { sql: 'org.industry', type: 'text', nullable: true },
  company_size: { sql: 'org.companySize', type: 'text', nullable: true },
  country: { sql: 'org.country', type: 'text', nullable: true },
};

@Injectable()
export class OrganizationRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repo() {
    return this.tx.manager.getRepository(OrganizationEntity);
  }

  findById(id: string): Promise<OrganizationEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /** The organization, locked until the transaction ends. */
  lock(id: string): Promise<OrganizationEntity | null> {
    return this.repo
      .createQueryBuilder('org')
      .setLock('pessimistic_write')
      .where('org.id = :id', { id })
      .getOne();
  }

  /** One page of `GET /organizations`, by page or by cursor (api.md §1.4). */
  page(query: ListOrganizationsQuery): Promise<KeysetRead<OrganizationEntity>> {
    const sortBy = query.sort_by ?? 'created_at';
    const direction = query.sort_order ?? 'desc';
    const column = ORGANIZATION_SORT_COLUMNS[sortBy];
    const keyset = new Keyset(
      { list: 'organizations', sortBy, direction, columns: [column], id: 'org.id' },
      query,
    );
    const qb = this.repo.createQueryBuilder('org');
    if (query.search?.trim()) {
      qb.andWhere('(org.name ILIKE :term OR org.domain ILIKE :term)', {
        term: likePattern(query.search.trim()),
      });
    }
    if (query.domain) qb.andWhere('org.domain = :domain', { domain: query.domain.toLowerCase() });
    if (query.industry) qb.andWhere('org.industry = :industry', { industry: query.industry });
    if (query.company_size) qb.andWhere('org.companySize = :size', { size: query.company_size });
    if (query.country) qb.andWhere('org.country = :country', { country: query.country.toUpperCase() });
    if (query.id?.length) qb.andWhere('org.id IN (:...ids)', { ids: query.id });
    const order = direction === 'asc' ? 'ASC' : 'DESC';
    qb.orderBy(column.sql, order, 'NULLS LAST').addOrderBy('org.id', order);
    return readKeysetPage(qb, keyset);
  }

  async insert(fields: OrganizationFields): Promise<string> {
    return (await this.repo.save(this.repo.create(fields as Partial<OrganizationEntity>))).id;
  }

  async update(id: string, fields: OrganizationFields): Promise<void> {
    await this.repo.update({ id }, fields as QueryDeepPartialEntity<OrganizationEntity>);
  }

  async leadCount(id: string): Promise<number> {
    const [{ n }]: { n: number }[] = await this.tx.manager.query(
      `SELECT count(*)::int AS n FROM leads WHERE organization_id = $1`,
      [id],
    );
    return n;
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  /** Organizations with any of the ids, domains or (lowercase) names, in one lookup. */
  async findByIdsDomainsOrNames(query: {
    ids: string[];
    domains: string[];
    names: string[];
  }): Promise<OrganizationEntity[]> {
    if (!query.ids.length && !query.domains.length && !query.names.length) return [];
    return this.repo
      .createQueryBuilder('org')
      .where('org.id = ANY(:ids)', { ids: query.ids })
      .orWhere('org.domain = ANY(:domains)', { domains: query.domains })
      .orWhere('lower(org.name) = ANY(:names)', { names: query.names })
      .getMany();
  }

  /**
   * Creates the organizations; one whose domain another writer took meanwhile is skipped. Returns how many
   * were created.
   */
  async insertMany(organizations: readonly OrganizationState[]): Promise<number> {
    if (!organizations.length) return 0;
    const rows: { id: string }[] = await this.tx.manager.query(
      `INSERT INTO organizations (${NEW_ORGANIZATION.columns})
       SELECT ${NEW_ORGANIZATION.columns} FROM jsonb_to_recordset($1::jsonb) AS o(${NEW_ORGANIZATION.definition})
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [NEW_ORGANIZATION.parameter(organizations)],
    );
    return rows.length;
  }

  /**
   * Fills only fields that are still empty, even if a concurrent event filled one in the meantime. The rows
   * are locked in id order first, so two batches filling the same organizations never deadlock.
   */
  async fillEmptyMany(fills: readonly OrganizationFillRow[]): Promise<void> {
    if (!fills.length) return;
    await this.tx.manager.query(
      `SELECT id FROM organizations WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [fills.map((f) => f.id)],
    );
    await this.tx.manager.query(
      `UPDATE organizations o
          SET industry = COALESCE(o.industry, f.industry),
              company_size = COALESCE(o.company_size, f.company_size),
              country = COALESCE(o.country, f.country),
              domain = COALESCE(o.domain, f.domain),
              updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS f(${ORGANIZATION_FILL.definition})
        WHERE o.id = f.id`,
      [ORGANIZATION_FILL.parameter(fills)],
    );
  }
}
