import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { GatewayConfig } from '../config/gateway.config';
import { SecretCipher } from '@crm/service-kit';
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
import { LoginLockout } from './members/login-lockout';
import { RefreshTokenRepository } from './members/refresh-token.repository';
import { TwoFactorChallengeRepository } from './members/two-factor-challenge.repository';
import { TwoFactorController } from './members/two-factor.controller';
import { TwoFactorService } from './members/two-factor.service';
import { SigningSecretService } from './signing-secret.service';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) => ({
        // A KeyObject, not the string: given a string, jsonwebtoken first tries to parse it as a PEM public key
        // on every verify and throws, which cost more CPU than the rest of an authenticated read.
        secret: createSecretKey(Buffer.from(config.jwtSecret(), 'utf8')),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [MemberAuthController, TwoFactorController, ApiKeyAdminController],
  providers: [
    ApiKeyRepository,
    MemberCredentialRepository,
    RefreshTokenRepository,
    TwoFactorChallengeRepository,
    { provide: PasswordHasher, useClass: Argon2PasswordHasher },
    LoginLockout,
    TwoFactorService,
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
