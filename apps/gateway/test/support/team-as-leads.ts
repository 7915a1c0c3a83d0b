import { ConflictError, NotFoundError, Queries, type TeamMemberView } from '@crm/contracts';
import type { RpcResponders } from './rpc-responders';

/**
 * The team as leads keeps it, in memory: the gateway's sign-in logic (hashes, tokens, rotation, lockout, 2FA)
 * runs for real on its own database; leads' side of it (register, get, activate, deactivate) is tested in
 * leads' team tests and end to end in system-flow.
 */
export class TeamAsLeads {
  readonly members = new Map<string, TeamMemberView>();

  async answer(responders: RpcResponders): Promise<void> {
    await responders.answer(Queries.LeadsRegisterTeamMember, (c) => {
      if ([...this.members.values()].some((m) => m.email === c.email))
        throw new ConflictError('taken', { email: c.email });
      const member: TeamMemberView = {
        id: c.id,
        email: c.email,
        name: c.name,
        role: c.role,
        region: null,
        is_active: c.is_active,
        max_leads: 50,
        current_leads: 0,
        avatar: c.avatar ?? null,
        created_at: new Date().toISOString(),
      };
      this.members.set(c.id, member);
      return member;
    });
    await responders.answer(Queries.LeadsGetTeamMember, ({ id }) => {
      const member = this.members.get(id);
      if (!member) throw new NotFoundError('TeamMember', id);
      return member;
    });
    for (const [subject, active] of [
      [Queries.LeadsActivateTeamMember, true],
      [Queries.LeadsDeactivateTeamMember, false],
    ] as const) {
      await responders.answer(subject, ({ id }) => {
        const member = this.members.get(id)!;
        member.is_active = active;
        return member;
      });
    }
  }

  byEmail(email: string): TeamMemberView | undefined {
    return [...this.members.values()].find((m) => m.email === email);
  }
}
