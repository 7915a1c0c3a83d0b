import { Injectable } from '@nestjs/common';
import {
  Queries,
  SendSlackTestBody,
  UpdateSlackConfigBody,
  type SendSlackTestCommand,
  type SlackConfigView,
  type SlackStatusView,
  type SlackTestResult,
  type UpdateSlackConfigCommand,
} from '@crm/contracts';
import { actorOf, type Principal } from '../auth/principal';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';

/** The live status check and a test post may take up to 5 s each (api.md §15); the reply gets a little more. */
const LIVE_CALL_TIMEOUT_MS = 8_000;

/** api.md §15.6: the slack service answers; the gateway authenticates and validates. */
@Injectable()
export class SlackService {
  constructor(private readonly rpc: GatewayRpc) {}

  status(): Promise<SlackStatusView> {
    return this.rpc.request(Queries.SlackGetStatus, {}, LIVE_CALL_TIMEOUT_MS);
  }

  config(): Promise<SlackConfigView> {
    return this.rpc.request(Queries.SlackGetConfig, {});
  }

  updateConfig(principal: Principal, body: unknown): Promise<SlackConfigView> {
    const command: UpdateSlackConfigCommand = {
      actor: actorOf(principal),
      body: validateInput(UpdateSlackConfigBody, body),
    };
    return this.rpc.request(Queries.SlackUpdateConfig, command);
  }

  sendTest(principal: Principal, body: unknown): Promise<SlackTestResult> {
    const command: SendSlackTestCommand = {
      actor: actorOf(principal),
      body: validateInput(SendSlackTestBody, body ?? {}),
    };
    return this.rpc.request(Queries.SlackSendTest, command, LIVE_CALL_TIMEOUT_MS);
  }
}
