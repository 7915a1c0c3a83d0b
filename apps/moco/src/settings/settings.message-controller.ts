import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  MocoCustomerQuery,
  Queries,
  UpdateMocoConfigBody,
  type MocoConfigView,
  type MocoStatusView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { MocoCustomerService } from './moco-customer.service';
import { MocoSettingsService } from './moco-settings.service';
import { MocoStatusService } from './moco-status.service';

@Controller()
export class SettingsMessageController {
  constructor(
    private readonly settings: MocoSettingsService,
    private readonly statuses: MocoStatusService,
    private readonly customers: MocoCustomerService,
  ) {}

  @OnRequest(Queries.MocoGetConfig)
  config(): Promise<MocoConfigView> {
    return this.settings.view();
  }

  @OnRequest(Queries.MocoUpdateConfig)
  update(
    @Payload(ContractValidationPipe) body: UpdateMocoConfigBody,
  ): Promise<MocoConfigView & { message: string }> {
    return this.settings.update(body);
  }

  @OnRequest(Queries.MocoStatus)
  status(): Promise<MocoStatusView> {
    return this.statuses.status();
  }

  @OnRequest(Queries.MocoCustomerByEmail)
  customer(@Payload(ContractValidationPipe) query: MocoCustomerQuery): Promise<Record<string, unknown>> {
    return this.customers.byEmail(query);
  }
}
