import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ByIdQuery,
  CreateTeamMemberCommand,
  ListTeamQuery,
  Queries,
  RegisterTeamMemberCommand,
  TeamMemberCommand,
  UpdateTeamMemberCommand,
  type Page,
  type TeamMemberView,
  type TeamStatsView,
  type TeamWorkloadView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { TeamService } from './team.service';

/** The team (api.md §14) for the gateway. */
@Controller()
export class TeamMessageController {
  constructor(private readonly team: TeamService) {}

  @OnRequest(Queries.LeadsListTeam)
  list(@Payload(ContractValidationPipe) query: ListTeamQuery): Promise<Page<TeamMemberView>> {
    return this.team.list(query);
  }

  @OnRequest(Queries.LeadsRegisterTeamMember)
  register(@Payload(ContractValidationPipe) command: RegisterTeamMemberCommand): Promise<TeamMemberView> {
    return this.team.register(command);
  }

  @OnRequest(Queries.LeadsTeamStats)
  stats(): Promise<TeamStatsView> {
    return this.team.stats();
  }

  @OnRequest(Queries.LeadsGetTeamMember)
  get(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<TeamMemberView> {
    return this.team.get(query.id);
  }

  @OnRequest(Queries.LeadsTeamWorkload)
  workload(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<TeamWorkloadView> {
    return this.team.workload(query.id);
  }

  @OnRequest(Queries.LeadsCreateTeamMember)
  create(@Payload(ContractValidationPipe) command: CreateTeamMemberCommand): Promise<TeamMemberView> {
    return this.team.create(command);
  }

  @OnRequest(Queries.LeadsUpdateTeamMember)
  update(@Payload(ContractValidationPipe) command: UpdateTeamMemberCommand): Promise<TeamMemberView> {
    return this.team.update(command);
  }

  @OnRequest(Queries.LeadsDeleteTeamMember)
  delete(
    @Payload(ContractValidationPipe) command: TeamMemberCommand,
  ): Promise<{ success: true; message: string }> {
    return this.team.delete(command);
  }

  @OnRequest(Queries.LeadsActivateTeamMember)
  activate(@Payload(ContractValidationPipe) command: TeamMemberCommand): Promise<TeamMemberView> {
    return this.team.setActive(command, true);
  }

  @OnRequest(Queries.LeadsDeactivateTeamMember)
  deactivate(@Payload(ContractValidationPipe) command: TeamMemberCommand): Promise<TeamMemberView> {
    return this.team.setActive(command, false);
  }
}
