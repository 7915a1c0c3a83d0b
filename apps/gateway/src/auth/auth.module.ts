import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { GatewayConfig } from '../config/gateway.config';
import { AccessTokenVerifier } from './access-token.verifier';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeyService } from './api-key.service';
import { AuthGuard } from './auth.guard';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) => ({
        secret: config.jwtSecret(),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [
    ApiKeyRepository,
    ApiKeyService,
    AccessTokenVerifier,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [ApiKeyService],
})
export class AuthModule {}
