import { lookup } from 'node:dns/promises';
import { Injectable } from '@nestjs/common';

/** The addresses a host name resolves to, for the private-network check of webhook URLs. */
@Injectable()
export class HostResolver {
  async resolve(host: string): Promise<string[]> {
    const addresses = await lookup(host, { all: true });
    return addresses.map((a) => a.address);
  }
}
