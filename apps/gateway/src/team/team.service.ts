import { Injectable } from '@nestjs/common';
import {
  CreateTeamMemberBody,
  ListTeamQuery,
  Queries,
  UpdateTeamMemberBody,
  type CreateTeamMemberCommand,
  type Page,
  type TeamMemberCommand,
  type TeamMemberView,
  type TeamStatsView,
  type TeamWorkloadView,
  type UpdateTeamMemberCommand,
} from '@crm/contracts';
import { MemberAuthService } from '../auth/members/member-auth.service';
import { actorOf, type Principal } from '../auth/principal';
import { GatewayErrors } from '../http/gateway-errors';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';

/** What a member may change of their own profile without being an admin (api.md §14). */
const SELF_SERVICE_FIELDS = new Set(['name', 'avatar']);

/** The team is owned by the leads service (api.md §14); credentials stay in the gateway. */
@Injectable()
export class TeamService {
  constructor(
    private readonly rpc: GatewayRpc,
    private readonly sessions: MemberAuthService,
  ) {}

  list(query: unknown): Promise<Page<TeamMemberView>> {
    return this.rpc.request(Queries.LeadsListTeam, validateInput(ListTeamQuery, query));
  }

  stats(): Promise<TeamStatsView> {
    return this.rpc.request(Queries.LeadsTeamStats, {});
  }

  get(id: string): Promise<TeamMemberView> {
    return this.rpc.request(Queries.LeadsGetTeamMember, { id });
  }

  workload(id: string): Promise<TeamWorkloadView> {
    return this.rpc.request(Queries.LeadsTeamWorkload, { id });
  }

  create(principal: Principal, body: unknown): Promise<TeamMemberView> {
    const command: CreateTeamMemberCommand = {
      actor: actorOf(principal),
      body: validateInput(CreateTeamMemberBody, body),
    };
    return this.rpc.request(Queries.LeadsCreateTeamMember, command);
  }

  /** Admins change anything; any member their own `name` and `avatar` (else 403). */
  update(principal: Principal, id: string, body: unknown): Promise<TeamMemberView> {
    const input = validateInput(UpdateTeamMemberBody, body);
    const isAdmin = principal.kind === 'user' && principal.role === 'admin';
    const isSelf = principal.kind === 'user' && principal.memberId === id;
    const selfService = Object.keys(input).every((field) => SELF_SERVICE_FIELDS.has(field));
    if (!isAdmin && !(isSelf && selfService)) throw GatewayErrors.roleRequired(['admin']);
    const command: UpdateTeamMemberCommand = { actor: actorOf(principal), id, body: input };
    return this.rpc.request(Queries.LeadsUpdateTeamMember, command);
  }

  delete(principal: Principal, id: string): Promise<{ success: true; message: string }> {
    return this.rpc.request(Queries.LeadsDeleteTeamMember, this.command(principal, id));
  }

  activate(principal: Principal, id: string): Promise<TeamMemberView> {
    return this.rpc.request(Queries.LeadsActivateTeamMember, this.command(principal, id));
  }

  /** Deactivating a member also ends their sessions: their refresh tokens stop working at once. */
  async deactivate(principal: Principal, id: string): Promise<TeamMemberView> {
    const member = await this.rpc.request<TeamMemberView>(
      Queries.LeadsDeactivateTeamMember,
      this.command(principal, id),
    );
    await this.sessions.revokeSessions(id);
    return member;
  }

  private command(principal: Principal, id: string): TeamMemberCommand {
    return { actor: actorOf(principal), id };
  }
}
