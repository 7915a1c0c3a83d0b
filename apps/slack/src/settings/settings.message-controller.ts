import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Queries, UpdateSlackConfigCommand, type SlackConfigView } from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { SettingsService } from './settings.service';

@Controller()
export class SettingsMessageController {
  constructor(private readonly settings: SettingsService) {}

  @OnRequest(Queries.SlackGetConfig)
  getConfig(): Promise<SlackConfigView> {
    return this.settings.getConfig();
  }

  @OnRequest(Queries.SlackUpdateConfig)
  updateConfig(@Payload(ContractValidationPipe) command: UpdateSlackConfigCommand): Promise<SlackConfigView> {
    return this.settings.updateConfig(command);
  }
}
