import { Secret, TOTP, URI } from 'otpauth';
import { Totp, TOTP_ISSUER } from './totp';

/** RFC 6238 Appendix B's SHA-1 secret ("12345678901234567890") and its 8-digit vectors, cut to 6 digits. */
const RFC_SECRET = Secret.fromLatin1('12345678901234567890').base32;

describe('Totp (RFC 6238, SHA-1, 6 digits, 30 s)', () => {
  it('accepts the RFC 6238 test vectors and names their time step', () => {
    // T = 59 s → step 1, code 94287082; T = 1111111109 s → step 37037036, code 07081804.
    expect(Totp.stepOf(RFC_SECRET, '287082', new Date(59_000))).toBe(1);
    expect(Totp.stepOf(RFC_SECRET, '081804', new Date(1_111_111_109_000))).toBe(37_037_036);
  });

  it('accepts a code one step either side of now, and nothing further or wrong', () => {
    const secret = Totp.newSecret();
    const now = new Date(1_800_000_000_000);
    const codeAt = (ms: number) =>
      new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: now.getTime() + ms });
    const step = Math.floor(now.getTime() / 30_000);
    expect(Totp.stepOf(secret, codeAt(0), now)).toBe(step);
    expect(Totp.stepOf(secret, codeAt(-30_000), now)).toBe(step - 1);
    expect(Totp.stepOf(secret, codeAt(30_000), now)).toBe(step + 1);
    expect(Totp.stepOf(secret, codeAt(-60_000), now)).toBeNull();
    expect(Totp.stepOf(secret, codeAt(90_000), now)).toBeNull();
  });

  it('makes 160-bit secrets and an otpauth URI with the issuer and the member email as label', () => {
    const secret = Totp.newSecret();
    expect(Secret.fromBase32(secret).bytes).toHaveLength(20);
    const uri = Totp.uri(secret, 'ada@dna-me.example');
    expect(uri.startsWith('otpauth://totp/')).toBe(true);
    const parsed = URI.parse(uri) as TOTP;
    expect(parsed).toBeInstanceOf(TOTP);
    expect(parsed).toMatchObject({
      issuer: TOTP_ISSUER,
      label: 'ada@dna-me.example',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
    expect(parsed.secret.base32).toBe(secret);
  });
});
