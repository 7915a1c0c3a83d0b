import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { GatewayConfig } from '../config/gateway.config';
import { SecretCipher } from '../crypto/secret-cipher';
import { AccessTokenVerifier } from './access-token.verifier';
import { ApiKeyAdminController } from './api-key-admin.controller';
import { ApiKeyAdminService } from './api-key-admin.service';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeyService } from './api-key.service';
import { AuthGuard } from './auth.guard';
import { MemberAuthController } from './members/member-auth.controller';
import { MemberAuthService } from './members/member-auth.service';
import { MemberCredentialRepository } from './members/member-credential.repository';
import { Argon2PasswordHasher, PasswordHasher } from './members/password-hasher';
import { RefreshTokenRepository } from './members/refresh-token.repository';
import { SigningSecretService } from './signing-secret.service';

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
  controllers: [MemberAuthController, ApiKeyAdminController],
  providers: [
    ApiKeyRepository,
    MemberCredentialRepository,
    RefreshTokenRepository,
    { provide: PasswordHasher, useClass: Argon2PasswordHasher },
    MemberAuthService,
    ApiKeyAdminService,
    ApiKeyService,
    {
      provide: SecretCipher,
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) => new SecretCipher(config.encryptionKey()),
    },
    SigningSecretService,
    AccessTokenVerifier,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [ApiKeyService, MemberAuthService],
})
export class AuthModule {}
