/**
 * Parsing of the `API_KEYS` bootstrap variable (api.md §1.2): `key:source[:scope+scope],…`.
 * The scope part may itself contain colons (`events:write`), so everything after the second colon is scopes.
 */
export const API_KEY_SCOPES = ['events:write', 'read', 'write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const DEFAULT_API_KEY_SCOPES: ApiKeyScope[] = ['events:write'];

/**
 * Used when `API_KEYS` is unset outside production, so a fresh checkout can ingest and read at once:
 * `curl -H 'X-API-Key: dev-ingest-key' …`. Production refuses to start without `API_KEYS`.
 */
export const DEV_DEFAULT_API_KEYS = 'dev-ingest-key:*:events:write+read+write';

export interface BootstrapApiKey {
  key: string;
  source: string;
  scopes: ApiKeyScope[];
}

/** Thrown for a malformed `API_KEYS`; the message names the entry by position, never the key itself. */
export class ApiKeysFormatError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ApiKeysFormatError';
  }
}

const KEY_PATTERN = /^[\x21-\x7e]+$/; // printable ASCII without spaces
// `*` is a key that may ingest for any source (api.md: allowed_sources ["*"]).
const SOURCE_PATTERN = /^(\*|[A-Za-z0-9._-]{1,100})$/;
const MIN_KEY_LENGTH = 8;

export function parseApiKeys(raw: string): BootstrapApiKey[] {
  const problems: string[] = [];
  const keys: BootstrapApiKey[] = [];
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) throw new ApiKeysFormatError(['no key given']);

  entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    const [key, source, ...scopeParts] = entry.split(':');
    if (!key || key.length < MIN_KEY_LENGTH || !KEY_PATTERN.test(key)) {
      problems.push(
        `${where}: the key must be at least ${MIN_KEY_LENGTH} printable characters without spaces`,
      );
      return;
    }
    if (!source || !SOURCE_PATTERN.test(source)) {
      problems.push(`${where}: the source must be * or 1-100 characters of [A-Za-z0-9._-]`);
      return;
    }
    const scopeText = scopeParts.join(':');
    const scopes = scopeText ? scopeText.split('+').map((s) => s.trim()) : [...DEFAULT_API_KEY_SCOPES];
    const unknown = scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
    if (unknown.length) {
      problems.push(
        `${where}: unknown scope(s) ${unknown.join(', ')} (allowed: ${API_KEY_SCOPES.join(', ')})`,
      );
      return;
    }
    if (keys.some((k) => k.key === key)) {
      problems.push(`${where}: the same key is listed twice`);
      return;
    }
    keys.push({ key, source, scopes: [...new Set(scopes)] as ApiKeyScope[] });
  });

  if (problems.length) throw new ApiKeysFormatError(problems);
  return keys;
}
