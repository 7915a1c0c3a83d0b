import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';
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

@Injectable()
export class OrganizationRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repo() {
    return this.tx.manager.getRepository(OrganizationEntity);
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
