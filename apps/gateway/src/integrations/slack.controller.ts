import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import {
  SendSlackTestBody,
  UpdateSlackConfigBody,
  type SlackConfigView,
  type SlackStatusView,
  type SlackTestResult,
} from '@crm/contracts';
import { AdminAccess, CurrentPrincipal, MemberAccess } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { ContractBody } from '../openapi/contract-schema.decorators';
import { SlackService } from './slack.service';

/** api.md §15.6: the Slack integration's status, settings and test post. */
@Controller(`${API_PREFIX}/integrations/slack`)
export class SlackController {
  constructor(private readonly slack: SlackService) {}

  @Get('status')
  @MemberAccess()
  status(): Promise<SlackStatusView> {
    return this.slack.status();
  }

  @Get('config')
  @AdminAccess()
  config(): Promise<SlackConfigView> {
    return this.slack.config();
  }

  @Put('config')
  @AdminAccess()
  @ContractBody(UpdateSlackConfigBody)
  updateConfig(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<SlackConfigView> {
    return this.slack.updateConfig(principal, body);
  }

  @Post('test')
  @AdminAccess()
  @HttpCode(200)
  @ContractBody(SendSlackTestBody)
  sendTest(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<SlackTestResult> {
    return this.slack.sendTest(principal, body);
  }
}
