import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway.config';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Names the format (and so the algorithm) of a stored value, so a later key or algorithm can sit beside it. */
const VERSION = 'v1';

/**
 * Secrets the gateway must read back (TOTP secrets) are stored encrypted with AES-256-GCM under `ENCRYPTION_KEY`.
 * `context` is bound in as associated data (e.g. the owning row's id): a value copied to another row does not
 * decrypt there. Stored as `v1.<iv>.<ciphertext>.<tag>`, each part base64url.
 */
@Injectable()
export class SecretCipher {
  private readonly key: Buffer;

  constructor(config: GatewayConfig) {
    this.key = config.encryptionKey();
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** Throws when the value was not made by `encrypt` with this key and context (tampered, moved, other key). */
  decrypt(stored: string, context: string): string {
    const [version, iv, ciphertext, tag, ...rest] = stored.split('.');
    if (version !== VERSION || !iv || !tag || rest.length) throw new Error('Unreadable encrypted value');
    const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(iv, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}
