import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ByIdQuery,
  CreateOrganizationCommand,
  ListOrganizationsQuery,
  ByIdCommand,
  Queries,
  UpdateOrganizationCommand,
  type OrganizationView,
  type Page,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { OrganizationsService } from './organizations.service';

/** Organizations (api.md §6) for the gateway. */
@Controller()
export class OrganizationsMessageController {
  constructor(private readonly organizations: OrganizationsService) {}

  @OnRequest(Queries.LeadsListOrganizations)
  list(@Payload(ContractValidationPipe) query: ListOrganizationsQuery): Promise<Page<OrganizationView>> {
    return this.organizations.list(query);
  }

  @OnRequest(Queries.LeadsGetOrganization)
  get(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<OrganizationView> {
    return this.organizations.get(query.id);
  }

  @OnRequest(Queries.LeadsCreateOrganization)
  create(@Payload(ContractValidationPipe) command: CreateOrganizationCommand): Promise<OrganizationView> {
    return this.organizations.create(command);
  }

  @OnRequest(Queries.LeadsUpdateOrganization)
  update(@Payload(ContractValidationPipe) command: UpdateOrganizationCommand): Promise<OrganizationView> {
    return this.organizations.update(command);
  }

  @OnRequest(Queries.LeadsDeleteOrganization)
  delete(@Payload(ContractValidationPipe) command: ByIdCommand): Promise<{ success: true }> {
    return this.organizations.delete(command);
  }
}
