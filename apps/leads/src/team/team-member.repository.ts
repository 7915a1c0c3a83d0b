import { Injectable } from '@nestjs/common';
import type { ListTeamQuery, MemberRole } from '@crm/contracts';
import { Keyset, TransactionHost, type KeyColumn, type KeysetRead } from '@crm/service-kit';
import { likePattern } from '../leads/lead.repository';

/** A member with the load routing and the UI read: open deals owned. */
export interface MemberWithLoad {
  id: string;
  email: string;
  name: string;
  role: MemberRole;
  region: string | null;
  is_active: boolean;
  max_leads: number;
  avatar: string | null;
  created_at: Date;
  open_deals: number;
  /** Open or in-progress tasks assigned to the member. */
  open_tasks: number;
}

export interface MemberFields {
  email: string;
  name: string;
  role: MemberRole;
  region: string | null;
  isActive: boolean;
  maxLeads: number;
  avatar: string | null;
}

/** Over the members with their load (`m`, the subquery of `page`). */
const SORT_COLUMNS: Record<NonNullable<ListTeamQuery['sort_by']>, KeyColumn> = {
  created_at: { sql: 'm.created_at', type: 'timestamptz' },
  name: { sql: 'm.name', type: 'text' },
  email: { sql: 'lower(m.email)', type: 'text' },
  role: { sql: 'm.role', type: 'text' },
  region: { sql: 'm.region', type: 'text', nullable: true },
  current_leads: { sql: 'm.open_deals', type: 'int' },
};

const WITH_LOAD = `
  SELECT m.id, m.email, m.name, m.role, m.region, m.is_active, m.max_leads, m.avatar, m.created_at,
         (SELECT count(*)::int FROM deals d WHERE d.assigned_to = m.id AND d.status = 'open') AS open_deals,
         (SELECT count(*)::int FROM tasks t
           WHERE t.assigned_to_id = m.id AND t.status IN ('open', 'in_progress')) AS open_tasks
    FROM team_members m`;

@Injectable()
export class TeamMemberRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** One page of `GET /team`, by page or by cursor (api.md §1.4). */
  async page(query: ListTeamQuery): Promise<KeysetRead<MemberWithLoad>> {
    const sortBy = query.sort_by ?? 'name';
    const direction = query.sort_order ?? 'asc';
    const keyset = new Keyset(
      { list: 'team', sortBy, direction, columns: [SORT_COLUMNS[sortBy]], id: 'm.id' },
      query,
    );
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (query.role) where.push(`m.role = ${param(query.role)}`);
    if (query.region) where.push(`m.region = ${param(query.region)}`);
    if (query.is_active !== undefined) where.push(`m.is_active = ${param(query.is_active)}`);
    if (query.id?.length) where.push(`m.id = ANY(${param(query.id)}::uuid[])`);
    if (query.search?.trim()) {
      const term = param(likePattern(query.search.trim()));
      where.push(`(m.name ILIKE ${term} OR m.email ILIKE ${term})`);
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    let total: number | undefined;
    if (!keyset.byCursor) {
      [{ total }] = await this.tx.manager.query(
        `SELECT count(*)::int AS total FROM team_members m ${filter}`,
        params,
      );
    }
    const after = keyset.after(param);
    const members: MemberWithLoad[] = await this.tx.manager.query(
      `SELECT *, ${keyset.keySelects()} FROM (${WITH_LOAD} ${filter}) m ${after ? `WHERE ${after}` : ''}
        ORDER BY ${keyset.orderBy()}
        LIMIT ${param(keyset.fetchLimit)} OFFSET ${param(keyset.offset)}`,
      params,
    );
    return keyset.read(keyset.keyed(members), total);
  }

  async find(id: string): Promise<MemberWithLoad | null> {
    const rows: MemberWithLoad[] = await this.tx.manager.query(`${WITH_LOAD} WHERE m.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The member, locked until the transaction ends. */
  async lock(id: string): Promise<boolean> {
    const rows = await this.tx.manager.query(`SELECT id FROM team_members WHERE id = $1 FOR UPDATE`, [id]);
    return rows.length > 0;
  }

  /** A member by UUID or email (any case), optionally only an active one: how people name owners in requests. */
  async findByIdOrEmail(
    idOrEmail: string,
    { activeOnly = false } = {},
  ): Promise<{ id: string; email: string; region: string | null } | null> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrEmail);
    const rows: { id: string; email: string; region: string | null }[] = await this.tx.manager.query(
      `SELECT id, email, region FROM team_members
        WHERE ${isUuid ? 'id = $1::uuid' : 'lower(email) = lower($1)'} ${activeOnly ? 'AND is_active' : ''}`,
      [idOrEmail],
    );
    return rows[0] ?? null;
  }

  async idByEmail(email: string): Promise<string | null> {
    const rows: { id: string }[] = await this.tx.manager.query(
      `SELECT id FROM team_members WHERE lower(email) = lower($1)`,
      [email],
    );
    return rows[0]?.id ?? null;
  }

  /** Inserts a member (with `id`, or a new one); null when the email is taken (whatever its case). */
  async insert(member: MemberFields, developmentSeed = false, id?: string): Promise<string | null> {
    const rows: { id: string }[] = await this.tx.manager.query(
      `INSERT INTO team_members (id, email, name, role, region, is_active, max_leads, avatar, development_seed)
       VALUES (coalesce($9::uuid, gen_random_uuid()), $1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (lower(email)) DO NOTHING
       RETURNING id`,
      [
        member.email,
        member.name,
        member.role,
        member.region,
        member.isActive,
        member.maxLeads,
        member.avatar,
        developmentSeed,
        id ?? null,
      ],
    );
    return rows[0]?.id ?? null;
  }

  async update(id: string, member: MemberFields): Promise<void> {
    await this.tx.manager.query(
      `UPDATE team_members SET email = $2, name = $3, role = $4, region = $5, is_active = $6, max_leads = $7,
              avatar = $8, updated_at = now()
        WHERE id = $1`,
      [
        id,
        member.email,
        member.name,
        member.role,
        member.region,
        member.isActive,
        member.maxLeads,
        member.avatar,
      ],
    );
  }

  async delete(id: string): Promise<void> {
    await this.tx.manager.query(`DELETE FROM team_members WHERE id = $1`, [id]);
  }

  /** Members and load per role and region, for `GET /team/stats`. */
  async all(): Promise<MemberWithLoad[]> {
    return this.tx.manager.query(WITH_LOAD);
  }
}
