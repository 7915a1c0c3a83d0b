import 'reflect-metadata';
import { loadConfig } from '@crm/service-kit';
import { GatewayConfig } from '../config/gateway.config';
import { SecretCipher } from './secret-cipher';

const cipherWith = (key: Buffer) =>
  new SecretCipher(loadConfig(GatewayConfig, { ENCRYPTION_KEY: key.toString('hex') }));

describe('SecretCipher (AES-256-GCM)', () => {
  const cipher = cipherWith(Buffer.alloc(32, 1));

  it('round-trips, with a fresh IV each time, and never stores the plaintext', () => {
    const a = cipher.encrypt('JBSWY3DPEHPK3PXP', 'row-1');
    const b = cipher.encrypt('JBSWY3DPEHPK3PXP', 'row-1');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(cipher.decrypt(a, 'row-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(cipher.decrypt(b, 'row-1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses another context (a value moved to another row), another key, and a tampered value', () => {
    const stored = cipher.encrypt('JBSWY3DPEHPK3PXP', 'row-1');
    expect(() => cipher.decrypt(stored, 'row-2')).toThrow();
    expect(() => cipherWith(Buffer.alloc(32, 2)).decrypt(stored, 'row-1')).toThrow();
    const [version, iv, body, tag] = stored.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(() =>
      cipher.decrypt([version, iv, flipped.toString('base64url'), tag].join('.'), 'row-1'),
    ).toThrow();
    expect(() => cipher.decrypt('plain-text-secret', 'row-1')).toThrow('Unreadable encrypted value');
  });
});
