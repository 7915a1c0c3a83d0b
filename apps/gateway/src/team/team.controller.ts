import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  type Page,
  type TeamMemberView,
  type TeamStatsView,
  type TeamWorkloadView,
  CreateTeamMemberBody,
  ListTeamQuery,
  UpdateTeamMemberBody,
} from '@crm/contracts';
import { AdminAccess, CurrentPrincipal, MemberAccess } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { TeamService } from './team.service';
import { ContractBody, ContractQuery } from '../openapi/contract-schema.decorators';

/** api.md §14. */
@Controller(`${API_PREFIX}/team`)
export class TeamController {
  constructor(private readonly team: TeamService) {}

  @Get()
  @ContractQuery(ListTeamQuery)
  list(@Query() query: unknown): Promise<Page<TeamMemberView>> {
    return this.team.list(query);
  }

  @Get('stats')
  @MemberAccess()
  stats(): Promise<TeamStatsView> {
    return this.team.stats();
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string): Promise<TeamMemberView> {
    return this.team.get(id);
  }

  @Get(':id/workload')
  @MemberAccess()
  workload(@Param('id', new UuidParamPipe()) id: string): Promise<TeamWorkloadView> {
    return this.team.workload(id);
  }

  @Post()
  @HttpCode(201)
  @AdminAccess()
  @ContractBody(CreateTeamMemberBody)
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<TeamMemberView> {
    return this.team.create(principal, body);
  }

  @Patch(':id')
  @MemberAccess()
  @ContractBody(UpdateTeamMemberBody)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<TeamMemberView> {
    return this.team.update(principal, id, body);
  }

  @Delete(':id')
  @AdminAccess()
  delete(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<{ success: true; message: string }> {
    return this.team.delete(principal, id);
  }

  @Post(':id/activate')
  @HttpCode(200)
  @AdminAccess()
  activate(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<TeamMemberView> {
    return this.team.activate(principal, id);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @AdminAccess()
  deactivate(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<TeamMemberView> {
    return this.team.deactivate(principal, id);
  }
}
