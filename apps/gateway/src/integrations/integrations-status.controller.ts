import { Controller, Get } from '@nestjs/common';
import { MemberAccess } from '../auth/auth.decorators';
import { API_PREFIX } from '../http/api-prefix';
import { IntegrationsStatusService, type IntegrationsStatusView } from './integrations-status.service';

/** api.md §15.1: every integration's status at a glance. */
@Controller(`${API_PREFIX}/integrations`)
export class IntegrationsStatusController {
  constructor(private readonly integrations: IntegrationsStatusService) {}

  @Get('status')
  @MemberAccess()
  status(): Promise<IntegrationsStatusView> {
    return this.integrations.status();
  }
}
