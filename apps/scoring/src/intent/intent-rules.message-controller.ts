import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ArchiveIntentRuleCommand,
  ByIdQuery,
  CreateIntentRuleCommand,
  LeadIntentsQuery,
  ListIntentRulesQuery,
  Queries,
  UpdateIntentRuleCommand,
  type IntentRuleView,
  type IntentSignalView,
  type Page,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { IntentRulesService } from './intent-rules.service';

/** Intent rules and a lead's intent signals, for the gateway. */
@Controller()
export class IntentRulesMessageController {
  constructor(private readonly intents: IntentRulesService) {}

  @OnRequest(Queries.ScoringListIntentRules)
  list(@Payload(ContractValidationPipe) query: ListIntentRulesQuery): Promise<Page<IntentRuleView>> {
    return this.intents.list(query);
  }

  @OnRequest(Queries.ScoringGetIntentRule)
  get(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<IntentRuleView> {
    return this.intents.get(query.id);
  }

  @OnRequest(Queries.ScoringCreateIntentRule)
  create(@Payload(ContractValidationPipe) command: CreateIntentRuleCommand): Promise<IntentRuleView> {
    return this.intents.create(command);
  }

  @OnRequest(Queries.ScoringUpdateIntentRule)
  update(@Payload(ContractValidationPipe) command: UpdateIntentRuleCommand): Promise<IntentRuleView> {
    return this.intents.update(command);
  }

  @OnRequest(Queries.ScoringArchiveIntentRule)
  async archive(@Payload(ContractValidationPipe) command: ArchiveIntentRuleCommand): Promise<null> {
    await this.intents.archive(command);
    return null;
  }

  @OnRequest(Queries.ScoringLeadIntents)
  leadSignals(
    @Payload(ContractValidationPipe) query: LeadIntentsQuery,
  ): Promise<{ data: IntentSignalView[] }> {
    return this.intents.leadSignals(query);
  }
}
