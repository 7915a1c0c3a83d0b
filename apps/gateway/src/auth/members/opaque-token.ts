import { createHash, randomBytes } from 'node:crypto';

/** A bearer secret the client holds and the server keeps only hashed (refresh tokens, 2FA challenges). */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** How an opaque token is stored and looked up: SHA-256, hex. 256 random bits need no slow hash. */
export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
