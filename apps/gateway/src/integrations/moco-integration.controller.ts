import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import {
  SyncMocoDealBody,
  SyncMocoLeadBody,
  UpdateMocoConfigBody,
  ValidationFailedError,
  type MocoConfigView,
  type MocoStatusView,
  type MocoWebhookReceipt,
} from '@crm/contracts';
import { AdminAccess, ConfigAccess, MemberAccess, VendorSignedRequest } from '../auth/auth.decorators';
import { API_PREFIX } from '../http/api-prefix';
import type { RawBodyRequest } from '../http/raw-body';
import { UuidParamPipe } from '../http/validation';
import { ContractBody } from '../openapi/contract-schema.decorators';
import { MocoIntegrationService, type MocoSyncAccepted } from './moco-integration.service';

@Controller(`${API_PREFIX}/integrations/moco`)
export class MocoIntegrationController {
  constructor(private readonly moco: MocoIntegrationService) {}

  @Get('status')
  @MemberAccess()
  status(): Promise<MocoStatusView> {
    return this.moco.status();
  }

  @Get('config')
  @AdminAccess()
  config(): Promise<MocoConfigView> {
    return this.moco.config();
  }

  @Put('config')
  @AdminAccess()
  @ContractBody(UpdateMocoConfigBody)
  updateConfig(@Body() body: unknown): Promise<MocoConfigView & { message: string }> {
    return this.moco.updateConfig(body);
  }

  @Post('sync/lead/:leadId')
  @ConfigAccess()
  @HttpCode(202)
  @ContractBody(SyncMocoLeadBody)
  syncLead(
    @Param('leadId', new UuidParamPipe()) leadId: string,
    @Body() body: unknown,
  ): Promise<MocoSyncAccepted> {
    return this.moco.syncLead(leadId, body);
  }

  @Post('sync/deal/:dealId')
  @ConfigAccess()
  @HttpCode(202)
  @ContractBody(SyncMocoDealBody)
  syncDeal(
    @Param('dealId', new UuidParamPipe()) dealId: string,
    @Body() body: unknown,
  ): Promise<MocoSyncAccepted> {
    return this.moco.syncDeal(dealId, body);
  }

  @Get('customer/:email')
  @MemberAccess()
  customer(@Param('email') email: string): Promise<Record<string, unknown>> {
    return this.moco.customer(email);
  }

  /** api.md §15.5: authenticated by MOCO's signature over the raw body, which the moco service checks. */
  @Post('webhook')
  @VendorSignedRequest('moco', 'X-Moco-Signature')
  @HttpCode(200)
  webhook(
    @Req() request: RawBodyRequest,
    @Headers() headers: Record<string, string | string[] | undefined>,
  ): Promise<MocoWebhookReceipt> {
    if (!request.rawBody) {
      throw new ValidationFailedError([
        { path: 'body', message: 'A JSON body is required', code: 'required' },
      ]);
    }
    return this.moco.receiveWebhook(headers, request.rawBody);
  }
}
