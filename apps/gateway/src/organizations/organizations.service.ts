import { Injectable } from '@nestjs/common';
import {
  CreateOrganizationBody,
  ListOrganizationsQuery,
  Queries,
  UpdateOrganizationBody,
  type OrganizationView,
  type Page,
} from '@crm/contracts';
import { actorOf, type Principal } from '../auth/principal';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';

/** Organizations are owned by the leads service (api.md §6). */
@Injectable()
export class OrganizationsService {
  constructor(private readonly rpc: GatewayRpc) {}

  list(query: unknown): Promise<Page<OrganizationView>> {
    return this.rpc.request(Queries.LeadsListOrganizations, validateInput(ListOrganizationsQuery, query));
  }

  get(id: string): Promise<OrganizationView> {
    return this.rpc.request(Queries.LeadsGetOrganization, { id });
  }

  create(principal: Principal, body: unknown): Promise<OrganizationView> {
    return this.rpc.request(Queries.LeadsCreateOrganization, {
      actor: actorOf(principal),
      body: validateInput(CreateOrganizationBody, body),
    });
  }

  update(principal: Principal, id: string, body: unknown): Promise<OrganizationView> {
    return this.rpc.request(Queries.LeadsUpdateOrganization, {
      actor: actorOf(principal),
      id,
      body: validateInput(UpdateOrganizationBody, body),
    });
  }

  delete(principal: Principal, id: string): Promise<{ success: true }> {
    return this.rpc.request(Queries.LeadsDeleteOrganization, { actor: actorOf(principal), id });
  }
}
