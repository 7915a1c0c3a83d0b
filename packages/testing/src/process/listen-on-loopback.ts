import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts a fake vendor's HTTP server on 127.0.0.1 (port 0: any free one) and answers the port it got. */
export function listenOnLoopback(server: Server, port = 0): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
