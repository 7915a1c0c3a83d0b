import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  NotFoundError,
  ValidationFailedError,
  type CreateTeamMemberCommand,
  type ListTeamQuery,
  type RegisterTeamMemberCommand,
  type Page,
  type TeamMemberCommand,
  type TeamMemberView,
  type TeamStatsView,
  type TeamWorkloadView,
  type UpdateTeamMemberCommand,
} from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import { TeamMemberRepository, type MemberFields, type MemberWithLoad } from './team-member.repository';

const DEFAULT_MAX_LEADS = 50;

/** The team (api.md §14): members routing picks owners from, their capacity and load. */
@Injectable()
export class TeamService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly members: TeamMemberRepository,
  ) {}

  async list(query: ListTeamQuery): Promise<Page<TeamMemberView>> {
    return (await this.members.page(query)).page(toMemberView);
  }

  async get(id: string): Promise<TeamMemberView> {
    return toMemberView(await this.found(id));
  }

  async workload(id: string): Promise<TeamWorkloadView> {
    const member = await this.found(id);
    return {
      member: toMemberView(member),
      workload: {
        current_leads: member.open_deals,
        max_leads: member.max_leads,
        available_capacity: Math.max(0, member.max_leads - member.open_deals),
        utilization_percentage: percentage(member.open_deals, member.max_leads),
        open_deals: member.open_deals,
        open_tasks: member.open_tasks,
      },
    };
  }

  async stats(): Promise<TeamStatsView> {
    const members = await this.members.all();
    const active = members.filter((m) => m.is_active);
    const count = (key: (m: MemberWithLoad) => string) =>
      members.reduce<Record<string, number>>((acc, m) => ({ ...acc, [key(m)]: (acc[key(m)] ?? 0) + 1 }), {});
    const capacity = active.reduce((sum, m) => sum + m.max_leads, 0);
    const assigned = members.reduce((sum, m) => sum + m.open_deals, 0);
    return {
      total_members: members.length,
      active_members: active.length,
      by_role: count((m) => m.role),
      by_region: count((m) => m.region ?? 'unassigned'),
      total_capacity: capacity,
      total_assigned: assigned,
      utilization_percentage: percentage(assigned, capacity),
    };
  }

  /** 409 `{existing_member_id}` when the email is taken, whatever its case. */
  async create({ body }: CreateTeamMemberCommand): Promise<TeamMemberView> {
    return this.tx.transaction(async () => {
      const id = await this.members.insert({
        email: body.email.toLowerCase(),
        name: body.name,
        role: body.role,
        region: body.region ?? null,
        isActive: body.is_active ?? true,
        maxLeads: body.max_leads ?? DEFAULT_MAX_LEADS,
        avatar: body.avatar ?? null,
      });
      if (!id) throw await this.emailTaken(body.email);
      return toMemberView(await this.found(id));
    });
  }

  /**
   * The member a registration creates, with the id the gateway gave its credentials; 409 when the email is
   * taken. Repeating the same registration (same id and email) answers the member, so a retry is harmless.
   */
  async register(command: RegisterTeamMemberCommand): Promise<TeamMemberView> {
    return this.tx.transaction(async () => {
      const existing = await this.members.find(command.id);
      if (existing && existing.email.toLowerCase() === command.email.toLowerCase())
        return toMemberView(existing);
      const id = await this.members.insert(
        {
          email: command.email.toLowerCase(),
          name: command.name,
          role: command.role,
          region: null,
          isActive: command.is_active,
          maxLeads: DEFAULT_MAX_LEADS,
          avatar: command.avatar ?? null,
        },
        false,
        command.id,
      );
      if (!id) throw await this.emailTaken(command.email);
      return toMemberView(await this.found(id));
    });
  }

  update({ id, body }: UpdateTeamMemberCommand): Promise<TeamMemberView> {
    return this.edit(id, body);
  }

  setActive({ id }: TeamMemberCommand, isActive: boolean): Promise<TeamMemberView> {
    return this.edit(id, { is_active: isActive });
  }

  private async edit(id: string, body: UpdateTeamMemberCommand['body']): Promise<TeamMemberView> {
    const required = (['email', 'name', 'role', 'is_active', 'max_leads'] as const).filter(
      (f) => body[f] === null,
    );
    if (required.length) {
      throw new ValidationFailedError(
        required.map((field) => ({ path: field, message: `${field} cannot be null`, code: 'isNotNull' })),
      );
    }
    return this.tx.transaction(async () => {
      if (!(await this.members.lock(id))) throw new NotFoundError('TeamMember', id);
      const member = await this.found(id);
      const next: MemberFields = {
        email: body.email?.toLowerCase() ?? member.email,
        name: body.name ?? member.name,
        role: body.role ?? member.role,
        region: body.region === undefined ? member.region : body.region,
        isActive: body.is_active ?? member.is_active,
        maxLeads: body.max_leads ?? member.max_leads,
        avatar: body.avatar === undefined ? member.avatar : body.avatar,
      };
      if (next.email !== member.email.toLowerCase()) {
        const holder = await this.members.idByEmail(next.email);
        if (holder && holder !== id) throw await this.emailTaken(next.email);
      }
      await this.members.update(id, next);
      return toMemberView(await this.found(id));
    });
  }

  /** 409 `{open_deals, open_tasks}` while the member owns open work: reassign it first. */
  async delete({ id }: TeamMemberCommand): Promise<{ success: true; message: string }> {
    return this.tx.transaction(async () => {
      if (!(await this.members.lock(id))) throw new NotFoundError('TeamMember', id);
      const member = await this.found(id);
      if (member.open_deals > 0 || member.open_tasks > 0) {
        throw new ConflictError('The member still owns open work; reassign it first', {
          open_deals: member.open_deals,
          open_tasks: member.open_tasks,
        });
      }
      await this.members.delete(id);
      return { success: true, message: 'Team member deleted successfully' };
    });
  }

  private async found(id: string): Promise<MemberWithLoad> {
    const member = await this.members.find(id);
    if (!member) throw new NotFoundError('TeamMember', id);
    return member;
  }

  private async emailTaken(email: string): Promise<ConflictError> {
    return new ConflictError(`A team member with email '${email.toLowerCase()}' exists`, {
      email: email.toLowerCase(),
      existing_member_id: await this.members.idByEmail(email),
    });
  }
}

function toMemberView(member: MemberWithLoad): TeamMemberView {
  return {
    id: member.id,
    email: member.email,
    name: member.name,
    role: member.role,
    region: member.region,
    is_active: member.is_active,
    max_leads: member.max_leads,
    current_leads: member.open_deals,
    avatar: member.avatar,
    created_at: member.created_at.toISOString(),
  };
}

function percentage(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 100 : 0;
}
