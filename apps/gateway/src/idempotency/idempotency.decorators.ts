import { SetMetadata } from '@nestjs/common';

export const NO_IDEMPOTENCY_REPLAY = 'gateway:no-idempotency-replay';

/**
 * A POST whose `Idempotency-Key` is not stored and replayed by the gateway (the header is still checked):
 * ingest, which dedupes on it permanently itself (api.md §4.1), and answers carrying a secret shown once
 * (tokens, API keys), which must not be kept in Redis.
 */
export const NoIdempotencyReplay = () => SetMetadata(NO_IDEMPOTENCY_REPLAY, true);
