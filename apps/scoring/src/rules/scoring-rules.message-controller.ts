import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ArchiveScoringRuleCommand,
  ByIdQuery,
  CreateScoringRuleCommand,
  ListScoringRulesQuery,
  Queries,
  UpdateScoringRuleCommand,
  type Page,
  type ScoringRuleView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { ScoringRulesService } from './scoring-rules.service';

/** The rules API (api.md §10), answered for the gateway over request-reply. */
@Controller()
export class ScoringRulesMessageController {
  constructor(private readonly rules: ScoringRulesService) {}

  @OnRequest(Queries.ScoringListRules)
  list(@Payload(ContractValidationPipe) query: ListScoringRulesQuery): Promise<Page<ScoringRuleView>> {
    return this.rules.list(query);
  }

  @OnRequest(Queries.ScoringGetRule)
  get(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<ScoringRuleView> {
    return this.rules.get(query.id);
  }

  @OnRequest(Queries.ScoringCreateRule)
  create(@Payload(ContractValidationPipe) command: CreateScoringRuleCommand): Promise<ScoringRuleView> {
    return this.rules.create(command);
  }

  @OnRequest(Queries.ScoringUpdateRule)
  update(@Payload(ContractValidationPipe) command: UpdateScoringRuleCommand): Promise<ScoringRuleView> {
    return this.rules.update(command);
  }

  @OnRequest(Queries.ScoringArchiveRule)
  async archive(@Payload(ContractValidationPipe) command: ArchiveScoringRuleCommand): Promise<null> {
    await this.rules.archive(command);
    return null;
  }
}
