import type { Logger } from 'pino';
import type { ApiKeyRepository } from './api-key.repository';

/** `last_used_at` is a hint, not an audit log: written at most this often per key. */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/** Records `last_used_at` of API keys and signing secrets in the background, at most once a minute per key. */
export class LastUsedRecorder {
  private readonly lastWrites = new Map<string, number>();

  constructor(
    private readonly repository: Pick<ApiKeyRepository, 'touchLastUsed'>,
    private readonly log: Pick<Logger, 'warn'>,
  ) {}

  note(keyId: string, now: Date): void {
    const last = this.lastWrites.get(keyId) ?? 0;
    if (now.getTime() - last < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastWrites.set(keyId, now.getTime());
    this.repository.touchLastUsed(keyId, now).catch((error: unknown) => {
      this.log.warn({ err: error, key_id: keyId }, 'could not record last_used_at');
    });
  }
}
