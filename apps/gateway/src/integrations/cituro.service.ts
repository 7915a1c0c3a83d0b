import { Injectable } from '@nestjs/common';
import {
  Queries,
  UpdateCituroConfigBody,
  UpdateCituroTemplateBody,
  type CituroConfigView,
  type CituroStatusView,
  type CituroTemplateView,
  type CituroWebhookReceipt,
  type ReceiveCituroWebhookCommand,
  type UpdateCituroConfigCommand,
  type UpdateCituroTemplateCommand,
} from '@crm/contracts';
import { actorOf, type Principal } from '../auth/principal';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';

/** The live status check may take up to 5 s (api.md §15); the reply gets a little more. */
const STATUS_TIMEOUT_MS = 8_000;

/** api.md §15.3 and §15.4: the cituro service answers; the gateway authenticates and validates. */
@Injectable()
export class CituroService {
  constructor(private readonly rpc: GatewayRpc) {}

  status(): Promise<CituroStatusView> {
    return this.rpc.request(Queries.CituroGetStatus, {}, STATUS_TIMEOUT_MS);
  }

  config(): Promise<CituroConfigView> {
    return this.rpc.request(Queries.CituroGetConfig, {});
  }

  updateConfig(principal: Principal, body: unknown): Promise<CituroConfigView> {
    const command: UpdateCituroConfigCommand = {
      actor: actorOf(principal),
      body: validateInput(UpdateCituroConfigBody, body),
    };
    return this.rpc.request(Queries.CituroUpdateConfig, command);
  }

  template(): Promise<CituroTemplateView> {
    return this.rpc.request(Queries.CituroGetTemplate, {});
  }

  updateTemplate(
    principal: Principal,
    body: unknown,
  ): Promise<{ success: true; email_template_html: string }> {
    const command: UpdateCituroTemplateCommand = {
      actor: actorOf(principal),
      body: validateInput(UpdateCituroTemplateBody, body),
    };
    return this.rpc.request(Queries.CituroUpdateTemplate, command);
  }

  /** Forwards the exact body bytes and the signature header: cituro holds the secret and verifies. */
  receiveWebhook(rawBody: Buffer, signature: string | null): Promise<CituroWebhookReceipt> {
    const command: ReceiveCituroWebhookCommand = {
      raw_body_base64: rawBody.toString('base64'),
      signature,
    };
    return this.rpc.request(Queries.CituroReceiveWebhook, command);
  }
}
