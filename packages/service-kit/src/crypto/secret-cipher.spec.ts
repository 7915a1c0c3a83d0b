import { randomBytes } from 'node:crypto';
import { SecretCipher } from './secret-cipher';

describe('SecretCipher (AES-256-GCM)', () => {
  const cipher = new SecretCipher(randomBytes(32));
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

  it('round-trips, never stores the plaintext, and uses a fresh IV each time', () => {
    const first = cipher.encrypt(secret, 'row-1');
    const second = cipher.encrypt(secret, 'row-1');
    expect(first).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(first).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(second).not.toBe(first);
    expect(cipher.decrypt(first, 'row-1')).toBe(secret);
    expect(cipher.decrypt(second, 'row-1')).toBe(secret);
  });

  it('refuses another row, another key, an altered ciphertext or tag, and unknown formats', () => {
    const stored = cipher.encrypt(secret, 'row-1');
    const [format, iv, tag, body] = stored.split('.');
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] ^= 0x01;
      return bytes.toString('base64url');
    };
    expect(() => cipher.decrypt(stored, 'row-2')).toThrow();
    expect(() => new SecretCipher(randomBytes(32)).decrypt(stored, 'row-1')).toThrow();
    expect(() => cipher.decrypt([format, iv, tag, flip(body)].join('.'), 'row-1')).toThrow();
    expect(() => cipher.decrypt([format, iv, flip(tag), body].join('.'), 'row-1')).toThrow();
    expect(() => cipher.decrypt([format, iv, tag.slice(0, 8), body].join('.'), 'row-1')).toThrow();
    expect(() => cipher.decrypt(['v2', iv, tag, body].join('.'), 'row-1')).toThrow(/known format/);
    expect(() => new SecretCipher(randomBytes(16))).toThrow(/32-byte/);
  });
});
