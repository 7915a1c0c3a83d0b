import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What follows one flow across async work, processes and brokers: the HTTP request down to the vendor call. */
export interface RequestContextData {
  correlationId: string;
  /** id of the message being handled, so messages it causes name their cause. */
  causationId?: string | null;
  requestId?: string;
}

const storage = new AsyncLocalStorage<RequestContextData>();

export const RequestContext = {
  run<T>(data: RequestContextData, fn: () => T): T {
    return storage.run(data, fn);
  },
  current(): RequestContextData | undefined {
    return storage.getStore();
  },
  correlationId(): string {
    return storage.getStore()?.correlationId ?? randomUUID();
  },
};
