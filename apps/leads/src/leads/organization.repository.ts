import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';
import type { OrganizationFill } from './company.rules';
import { OrganizationEntity } from './organization.entity';

@Injectable()
export class OrganizationRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repo() {
    return this.tx.manager.getRepository(OrganizationEntity);
  }

  findById(id: string): Promise<OrganizationEntity | null> {
    return this.repo.findOneBy({ id });
  }

  findByDomain(domain: string): Promise<OrganizationEntity | null> {
    return this.repo.findOneBy({ domain });
  }

  /** The oldest organization of that name (case-insensitive) that has no other domain than `domain`. */
  findByName(name: string, domain: string | null): Promise<OrganizationEntity | null> {
    const qb = this.repo.createQueryBuilder('org').where('lower(org.name) = lower(:name)', { name });
    if (domain) qb.andWhere('(org.domain IS NULL OR org.domain = :domain)', { domain });
    return qb.orderBy('org.createdAt', 'ASC').addOrderBy('org.id', 'ASC').getOne();
  }

  /** Creates the organization of a domain, or returns the one a concurrent event just created. */
  async insertForDomain(domain: string, name: string, fill: OrganizationFill): Promise<OrganizationEntity> {
    await this.repo
      .createQueryBuilder()
      .insert()
      .into(OrganizationEntity)
      .values({ domain, name, ...fill })
      .orIgnore()
      .execute();
    return this.repo.findOneByOrFail({ domain });
  }

  /**
   * Serialises find-or-create by name (no unique key can stand in for it: names repeat across domains) with a
   * transaction-scoped advisory lock.
   */
  async lockName(name: string): Promise<void> {
    await this.tx.manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `leads.organization:${name.toLowerCase()}`,
    ]);
  }

  insert(fields: Partial<OrganizationEntity>): Promise<OrganizationEntity> {
    return this.repo.save(this.repo.create(fields));
  }

  /** Fills only fields that are still empty, even if a concurrent event filled one in the meantime. */
  async fillEmpty(id: string, fill: OrganizationFill & { domain?: string }): Promise<void> {
    const columns = {
      industry: 'industry',
      companySize: 'company_size',
      country: 'country',
      domain: 'domain',
    };
    const set: Record<string, () => string> = {};
    for (const [key, column] of Object.entries(columns) as [keyof typeof columns, string][]) {
      if (fill[key] !== undefined) set[key] = () => `COALESCE(${column}, :${key})`;
    }
    if (!Object.keys(set).length) return;
    await this.repo
      .createQueryBuilder()
      .update(OrganizationEntity)
      .set(set)
      .setParameters({ ...fill, id })
      .where('id = :id')
      .execute();
  }
}
