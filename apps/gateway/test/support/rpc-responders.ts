import type { DomainError } from '@crm/contracts';
import type { GatewayHarness } from './gateway-harness';

export interface Responder {
  /** The request payloads received, in order. */
  calls: any[];
  stop(): void;
}

/**
 * Stand-ins for the owning services (leads, scoring) in the messaging reply format: a handler's return value is
 * the reply's data, a thrown DomainError its error. `stopAll` after each test.
 */
export class RpcResponders {
  private active: Responder[] = [];

  constructor(private readonly gw: () => GatewayHarness) {}

  async answer(subject: string, handler: (data: any) => unknown): Promise<Responder> {
    const gw = this.gw();
    const calls: any[] = [];
    const subscription = gw.nc.subscribe(gw.subject(subject), {
      callback: (_error, message) => {
        const data = message.json<any>();
        calls.push(data);
        let reply: unknown;
        try {
          reply = { ok: true, data: handler(data) ?? null };
        } catch (error) {
          reply = { ok: false, error: (error as DomainError).toBody() };
        }
        message.respond(JSON.stringify(reply));
      },
    });
    await gw.nc.flush();
    const responder = { calls, stop: () => subscription.unsubscribe() };
    this.active.push(responder);
    return responder;
  }

  stopAll(): void {
    for (const responder of this.active) responder.stop();
    this.active = [];
  }
}
