import { Body, Controller, Get, Headers, HttpCode, Post, Put, Req } from '@nestjs/common';
import {
  UpdateCituroConfigBody,
  UpdateCituroTemplateBody,
  type CituroConfigView,
  type CituroStatusView,
  type CituroTemplateView,
  type CituroWebhookReceipt,
} from '@crm/contracts';
import {
  AdminAccess,
  ConfigAccess,
  CurrentPrincipal,
  MemberAccess,
  VendorSignedRequest,
} from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import type { RawBodyRequest } from '../http/raw-body';
import { NoIdempotencyReplay } from '../idempotency/idempotency.decorators';
import { ContractBody } from '../openapi/contract-schema.decorators';
import { CituroService } from './cituro.service';

const EMPTY_BODY = Buffer.alloc(0);

/** api.md §15.3: the Cituro integration's settings. */
@Controller(`${API_PREFIX}/integrations/cituro`)
export class CituroController {
  constructor(private readonly cituro: CituroService) {}

  @Get('status')
  @MemberAccess()
  status(): Promise<CituroStatusView> {
    return this.cituro.status();
  }

  @Get('config')
  @AdminAccess()
  config(): Promise<CituroConfigView> {
    return this.cituro.config();
  }

  @Put('config')
  @AdminAccess()
  @ContractBody(UpdateCituroConfigBody)
  updateConfig(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<CituroConfigView> {
    return this.cituro.updateConfig(principal, body);
  }

  @Get('template')
  @MemberAccess()
  template(): Promise<CituroTemplateView> {
    return this.cituro.template();
  }

  @Put('template')
  @ConfigAccess()
  @ContractBody(UpdateCituroTemplateBody)
  updateTemplate(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
  ): Promise<{ success: true; email_template_html: string }> {
    return this.cituro.updateTemplate(principal, body);
  }
}

/** api.md §15.4: Cituro's webhook, authenticated by its signature alone (checked by cituro); no `/v1`. */
@Controller('api/webhooks')
export class CituroWebhookController {
  constructor(private readonly cituro: CituroService) {}

  @Post('cituro')
  @VendorSignedRequest('cituro', 'x-cituro-signature')
  @NoIdempotencyReplay()
  @HttpCode(200)
  receive(
    @Req() request: RawBodyRequest,
    @Headers('x-cituro-signature') signature: string | undefined,
  ): Promise<CituroWebhookReceipt> {
    return this.cituro.receiveWebhook(request.rawBody ?? EMPTY_BODY, signature ?? null);
  }
}
