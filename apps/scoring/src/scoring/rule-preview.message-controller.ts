import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { PreviewScoringRuleCommand, Queries, type RulePreviewView } from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { RulePreviewService } from './rule-preview.service';

/** `POST /scoring/rules/preview` for the gateway. */
@Controller()
export class RulePreviewMessageController {
  constructor(private readonly previews: RulePreviewService) {}

  @OnRequest(Queries.ScoringPreviewRule)
  preview(@Payload(ContractValidationPipe) command: PreviewScoringRuleCommand): Promise<RulePreviewView> {
    return this.previews.preview(command);
  }
}
