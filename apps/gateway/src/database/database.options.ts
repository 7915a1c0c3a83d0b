import type { DatabaseModuleOptions } from '@crm/service-kit';
import { messagingEntities, messagingMigrations } from '@crm/messaging';
import { ApiKeyEntity } from '../auth/api-key.entity';
import { CreateApiKeys1767225600000 } from './migrations/1767225600000-create-api-keys';
import { MemberCredentials1796400000100 } from './migrations/1796400000100-member-credentials';
import { ApiKeyRotation1796400000200 } from './migrations/1796400000200-api-key-rotation';
import { ApiKeyRateLimitSet1796500003000 } from './migrations/1796500003000-api-key-rate-limit-set';
import { TwoFactor1796500004000 } from './migrations/1796500004000-two-factor';
import { SigningSecrets1796500005000 } from './migrations/1796500005000-signing-secrets';

/** Shared by the AppModule and the `migrate` script. Messaging tables first (architecture: every schema has them). */
export const databaseOptions: DatabaseModuleOptions = {
  schema: 'gateway',
  entities: [...messagingEntities, ApiKeyEntity],
  migrations: [
    ...messagingMigrations,
    CreateApiKeys1767225600000,
    MemberCredentials1796400000100,
    ApiKeyRotation1796400000200,
    ApiKeyRateLimitSet1796500003000,
    TwoFactor1796500004000,
    SigningSecrets1796500005000,
  ],
};
