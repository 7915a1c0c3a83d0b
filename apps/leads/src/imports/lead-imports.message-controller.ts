import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  GetLeadImportQuery,
  Queries,
  RegisterLeadImportCommand,
  type LeadImportView,
  type RegisteredLeadImport,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { LeadImportsService } from './lead-imports.service';

/** The gateway's `POST /leads/bulk` registers its batch here; `GET /leads/bulk/:batch_id` reads it. */
@Controller()
export class LeadImportsMessageController {
  constructor(private readonly imports: LeadImportsService) {}

  @OnRequest(Queries.LeadsRegisterImport)
  register(
    @Payload(ContractValidationPipe) command: RegisterLeadImportCommand,
  ): Promise<RegisteredLeadImport> {
    return this.imports.register(command);
  }

  @OnRequest(Queries.LeadsGetImport)
  get(@Payload(ContractValidationPipe) query: GetLeadImportQuery): Promise<LeadImportView> {
    return this.imports.get(query);
  }
}
