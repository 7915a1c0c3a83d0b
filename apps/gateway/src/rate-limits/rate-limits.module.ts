import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimiter } from './rate-limiter';

/** Import after AuthModule: global guards run in registration order, and this one needs the principal. */
@Module({ providers: [RateLimiter, { provide: APP_GUARD, useClass: RateLimitGuard }] })
export class RateLimitsModule {}
