import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  type OrganizationView,
  type Page,
  CreateOrganizationBody,
  ListOrganizationsQuery,
  UpdateOrganizationBody,
} from '@crm/contracts';
import { ConfigAccess, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { OrganizationsService } from './organizations.service';
import { ContractBody, ContractQuery } from '../openapi/contract-schema.decorators';

/** api.md §6. PUT (what the web UI sends) and PATCH are the same partial update. */
@Controller(`${API_PREFIX}/organizations`)
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  @ContractQuery(ListOrganizationsQuery)
  list(@Query() query: unknown): Promise<Page<OrganizationView>> {
    return this.organizations.list(query);
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string): Promise<OrganizationView> {
    return this.organizations.get(id);
  }

  @Post()
  @HttpCode(201)
  @ContractBody(CreateOrganizationBody)
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<OrganizationView> {
    return this.organizations.create(principal, body);
  }

  @Put(':id')
  @ContractBody(UpdateOrganizationBody)
  replace(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<OrganizationView> {
    return this.organizations.update(principal, id, body);
  }

  @Patch(':id')
  @ContractBody(UpdateOrganizationBody)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<OrganizationView> {
    return this.organizations.update(principal, id, body);
  }

  @Delete(':id')
  @ConfigAccess()
  delete(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<{ success: true }> {
    return this.organizations.delete(principal, id);
  }
}
