import type { DomainError } from '@crm/contracts';
import type { GatewayHarness } from './gateway-harness';

export interface Responder {
  /** The request payloads received, in order. */
  calls: any[];
  stop(): void;
}

/**
 * Stand-ins for the owning services (leads, scoring) in the messaging reply format: a handler's return value is
 * the reply's data (a promise: when it settles), a thrown DomainError its error. `stopAll` after each test.
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
        let result: unknown;
        try {
          result = handler(data);
        } catch (error) {
          message.respond(JSON.stringify({ ok: false, error: (error as DomainError).toBody() }));
          return;
        }
        // A handler may answer later (a promise): a slow service.
        Promise.resolve(result).then(
          (value) => message.respond(JSON.stringify({ ok: true, data: value ?? null })),
          (error: DomainError) => message.respond(JSON.stringify({ ok: false, error: error.toBody() })),
        );
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
