import { createHmac, randomUUID } from 'node:crypto';

/** The JWT secret every system under test runs with. */
export const SYSTEM_JWT_SECRET = 'system-tests-jwt-secret-0123456789abcdef';

/**
 * A user access token as the gateway verifies them (api.md §1.2: HS256, `typ:"access"`), signed here by hand
 * with the plain HS256 algorithm, so the gateway is checked against the standard rather than its own library.
 */
export function memberAccessToken(
  member: { id: string; email: string; role: string },
  secret = SYSTEM_JWT_SECRET,
  ttlSeconds = 3600,
): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'HS256', typ: 'JWT' };
  const claims = {
    sub: member.id,
    id: member.id,
    email: member.email,
    role: member.role,
    typ: 'access',
    iat: now,
    exp: now + ttlSeconds,
    jti: randomUUID(),
  };
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const signingInput = `${encode(header)}.${encode(claims)}`;
  const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}
