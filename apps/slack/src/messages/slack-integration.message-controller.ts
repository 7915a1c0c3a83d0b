import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Queries, SendSlackTestCommand, type SlackStatusView, type SlackTestResult } from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { SlackIntegrationService } from './slack-integration.service';

@Controller()
export class SlackIntegrationMessageController {
  constructor(private readonly integration: SlackIntegrationService) {}

  @OnRequest(Queries.SlackGetStatus)
  status(): Promise<SlackStatusView> {
    return this.integration.status();
  }

  @OnRequest(Queries.SlackSendTest)
  sendTest(@Payload(ContractValidationPipe) command: SendSlackTestCommand): Promise<SlackTestResult> {
    return this.integration.sendTest(command);
  }
}
