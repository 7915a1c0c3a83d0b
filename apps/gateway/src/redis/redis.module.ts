import { Global, Module } from '@nestjs/common';
import { GatewayRedis } from './gateway-redis';

/** The one Redis connection of the gateway (rate limits, idempotency, /health). */
@Global()
@Module({ providers: [GatewayRedis], exports: [GatewayRedis] })
export class RedisModule {}
