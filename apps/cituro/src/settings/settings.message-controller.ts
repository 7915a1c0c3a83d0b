import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  Queries,
  UpdateCituroConfigCommand,
  UpdateCituroTemplateCommand,
  type CituroConfigView,
  type CituroStatusView,
  type CituroTemplateView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { SettingsService } from './settings.service';

@Controller()
export class SettingsMessageController {
  constructor(private readonly settings: SettingsService) {}

  @OnRequest(Queries.CituroGetStatus)
  status(): Promise<CituroStatusView> {
    return this.settings.status();
  }

  @OnRequest(Queries.CituroGetConfig)
  getConfig(): Promise<CituroConfigView> {
    return this.settings.getConfig();
  }

  @OnRequest(Queries.CituroUpdateConfig)
  updateConfig(
    @Payload(ContractValidationPipe) command: UpdateCituroConfigCommand,
  ): Promise<CituroConfigView> {
    return this.settings.updateConfig(command);
  }

  @OnRequest(Queries.CituroGetTemplate)
  getTemplate(): Promise<CituroTemplateView> {
    return this.settings.getTemplate();
  }

  @OnRequest(Queries.CituroUpdateTemplate)
  updateTemplate(
    @Payload(ContractValidationPipe) command: UpdateCituroTemplateCommand,
  ): Promise<{ success: true; email_template_html: string }> {
    return this.settings.updateTemplate(command);
  }
}
