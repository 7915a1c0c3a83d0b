import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  MailTemplateKeyQuery,
  Queries,
  UpsertMailTemplateCommand,
  type MailTemplateListView,
  type MailTemplateView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { MailTemplatesService } from './mail-templates.service';

/** Template queries and edits, answered over request-reply (no HTTP route yet: api.md has none). */
@Controller()
export class MailTemplatesMessageController {
  constructor(private readonly templates: MailTemplatesService) {}

  @OnRequest(Queries.MailerListTemplates)
  list(): Promise<MailTemplateListView> {
    return this.templates.list();
  }

  @OnRequest(Queries.MailerGetTemplate)
  get(@Payload(ContractValidationPipe) query: MailTemplateKeyQuery): Promise<MailTemplateView> {
    return this.templates.get(query.key);
  }

  @OnRequest(Queries.MailerUpsertTemplate)
  upsert(@Payload(ContractValidationPipe) command: UpsertMailTemplateCommand): Promise<MailTemplateView> {
    return this.templates.upsert(command);
  }
}
