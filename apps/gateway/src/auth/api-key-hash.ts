import { hash } from 'node:crypto';

/**
 * Keys are looked up by their SHA-256 (hex); the plaintext is never stored or compared (api.md §1.2). Runs on
 * every request: the one-shot `hash` costs half of a createHash object.
 */
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/**
 * The non-secret part shown in key lists: `dnak_<id>` for keys in the canonical
 * `dnak_<8-char id>_<32 base62>` format, otherwise the first four characters.
 */
export function apiKeyPrefix(key: string): string {
  const canonical = /^(dnak_[A-Za-z0-9]{8})_/.exec(key);
  return canonical ? canonical[1] : `${key.slice(0, 4)}…`;
}
