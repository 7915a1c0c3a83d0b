import { Secret, TOTP } from 'otpauth';

/** api.md §3: the issuer authenticator apps show next to the account. */
export const TOTP_ISSUER = 'DNA Marketing Engine';
const PERIOD_SECONDS = 30;
const DIGITS = 6;
/** 160 bits, the HMAC-SHA-1 key size RFC 4226 recommends. */
const SECRET_BYTES = 20;
/** One time step either side of now is accepted, for clocks that drift a little (RFC 6238 §5.2). */
const WINDOW_STEPS = 1;

/** RFC 6238 TOTP as authenticator apps implement it: SHA-1, 6 digits, 30 s steps. */
export const Totp = {
  /** A fresh random secret, base32 (what apps and the `otpauth://` URI carry). */
  newSecret(): string {
    return new Secret({ size: SECRET_BYTES }).base32;
  },

  /** The `otpauth://totp/…` URI an authenticator app reads from a QR code. */
  uri(secret: string, accountEmail: string): string {
    return totpOf(secret, accountEmail).toString();
  },

  /**
   * The time step (a counter of 30 s periods since the epoch) whose code `code` is, within a step of `at`, or
   * null. Callers keep the last step used, so one code cannot be accepted twice.
   */
  stepOf(secret: string, code: string, at: Date): number | null {
    const totp = totpOf(secret, '');
    const timestamp = at.getTime();
    const delta = totp.validate({ token: code, timestamp, window: WINDOW_STEPS });
    return delta === null ? null : totp.counter({ timestamp }) + delta;
  },
};

function totpOf(secret: string, label: string): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });
}
