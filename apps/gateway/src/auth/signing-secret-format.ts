import { randomBytes } from 'node:crypto';

/** Standard Webhooks secrets: `whsec_` + base64 of 24-64 random bytes; ours carry 32 (api.md §3.1). */
const SIGNING_SECRET_BYTES = 32;

export function newSigningSecret(): string {
  return `whsec_${randomBytes(SIGNING_SECRET_BYTES).toString('base64')}`;
}

/** What lists show: enough to tell secrets apart (24 of 256 bits), never enough to matter. */
export function signingSecretPrefix(secret: string): string {
  return `${secret.slice(0, 10)}…`;
}

/** Associated data of a stored secret's ciphertext: it decrypts only as the secret of this row. */
export function signingSecretAad(id: string): string {
  return `gateway.api_keys.secret:${id}`;
}
