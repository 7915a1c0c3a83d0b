import { Global, Module } from '@nestjs/common';
import { GatewayRpc } from './gateway-rpc';

@Global()
@Module({ providers: [GatewayRpc], exports: [GatewayRpc] })
export class RpcModule {}
