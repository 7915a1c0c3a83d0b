import { randomUUID } from 'node:crypto';
import { Secret, TOTP, URI } from 'otpauth';
import { GatewayHarness, sha256Hex } from './support/gateway-harness';
import { RpcResponders } from './support/rpc-responders';
import { TeamAsLeads } from './support/team-as-leads';

let gw: GatewayHarness;
const responders = new RpcResponders(() => gw);
const leads = new TeamAsLeads();

const PASSWORD = 'correct horse 1';
const MAX_FAILURES = 6;

const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
  gw.request(`/api/v1/auth/${path}`, { method: 'POST', body: body ?? {}, headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const unique = () => randomUUID().slice(0, 8);

/** The code an authenticator app shows for `secret` now (or `offsetMs` from now). */
const codeOf = (secret: string, offsetMs = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + offsetMs });
/** A 6-digit code that is not the current one (nor a neighbour accepted for clock drift). */
const wrongCodeOf = (secret: string) => {
  const near = new Set([-30_000, 0, 30_000].map((offset) => codeOf(secret, offset)));
  return ['000000', '111111', '222222', '333333'].find((code) => !near.has(code))!;
};

/**
 * A code is accepted once (its time step is stored). Steps of a flow that each need a fresh code forget the
 * last accepted step instead of waiting up to 30 s for the next one, as the lockout test moves its clock.
 */
const forgetUsedCode = (memberId: string) =>
  gw.sql(`UPDATE gateway.member_credentials SET two_factor_last_step = NULL WHERE member_id = $1`, [
    memberId,
  ]);

interface Member {
  id: string;
  email: string;
  token: string;
}

/** An active member, signed in (the first registration is the admin; later ones are approved directly). */
async function newMember(): Promise<Member> {
  const email = `m.${unique()}@dna-me.example`;
  expect((await post('register', { email, password: PASSWORD, name: 'M' })).status).toBe(201);
  leads.byEmail(email)!.is_active = true;
  const login = await post('login', { email, password: PASSWORD });
  expect(login.status).toBe(200);
  return { id: login.body.user.id, email, token: login.body.token };
}

/** A member with 2FA switched on, and the secret of their authenticator. */
async function memberWithTwoFactor(): Promise<Member & { secret: string }> {
  const member = await newMember();
  const { secret } = (await post('2fa/setup', {}, bearer(member.token))).body;
  expect((await post('2fa/verify', { token: codeOf(secret) }, bearer(member.token))).status).toBe(200);
  await forgetUsedCode(member.id);
  return { ...member, secret };
}

async function challengeOf(email: string): Promise<string> {
  const login = await post('login', { email, password: PASSWORD });
  expect(login.status).toBe(200);
  expect(login.body.require2fa).toBe(true);
  return login.body.challenge_token;
}

async function failedLoginsOf(memberId: string): Promise<number> {
  const [{ failed_logins }] = await gw.sql<{ failed_logins: number }>(
    `SELECT failed_logins FROM gateway.member_credentials WHERE member_id = $1`,
    [memberId],
  );
  return failed_logins;
}

beforeAll(async () => {
  gw = await GatewayHarness.start({
    JWT_SECRET: 'two-factor-test-secret-0123456789abcdef',
    ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
    RPC_TIMEOUT_MS: '2000',
    LOGIN_MAX_FAILURES: String(MAX_FAILURES),
    LOGIN_LOCKOUT_SECONDS: '600',
  });
  await leads.answer(responders);
});

afterAll(async () => {
  responders.stopAll();
  await gw?.close();
});

describe('two-factor sign-in (api.md §3 2fa/*)', () => {
  it('setup → verify → me → login challenge → validate → refresh → disable → login without 2FA', async () => {
    const member = await newMember();
    const me = () => gw.request('/api/v1/auth/me', { headers: bearer(member.token) });
    expect((await me()).body.is_two_factor_enabled).toBe(false);

    // Setup: a base32 secret and the otpauth URI for authenticator apps; pending until verified.
    const first = await post('2fa/setup', {}, bearer(member.token));
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      secret: expect.stringMatching(/^[A-Z2-7]{32}$/),
      qrCodeUrl: expect.any(String),
    });
    const uri = URI.parse(first.body.qrCodeUrl) as TOTP;
    expect(uri).toMatchObject({ issuer: 'DNA Marketing Engine', label: member.email, digits: 6, period: 30 });
    expect(uri.algorithm).toBe('SHA1');
    expect(uri.secret.base32).toBe(first.body.secret);
    expect((await me()).body.is_two_factor_enabled).toBe(false);

    // Setup again replaces the pending secret: the first one's codes no longer verify.
    const { secret } = (await post('2fa/setup', {}, bearer(member.token))).body;
    expect(secret).not.toBe(first.body.secret);
    const stale = await post('2fa/verify', { token: codeOf(first.body.secret) }, bearer(member.token));
    expect(stale.status).toBe(400);
    expect(stale.body.error.details.validation_errors).toEqual([
      { path: 'token', message: expect.any(String), code: 'invalid_code' },
    ]);

    // At rest the secret is encrypted, never the plaintext.
    const [row] = await gw.sql<{ two_factor_secret: string; two_factor_enabled: boolean }>(
      `SELECT two_factor_secret, two_factor_enabled FROM gateway.member_credentials WHERE member_id = $1`,
      [member.id],
    );
    expect(row.two_factor_enabled).toBe(false);
    expect(row.two_factor_secret).toMatch(/^v1\./);
    expect(row.two_factor_secret).not.toContain(secret);
    expect(Buffer.from(row.two_factor_secret.split('.')[2], 'base64url').toString('latin1')).not.toContain(
      secret,
    );

    const malformed = await post('2fa/verify', { token: '12ab56' }, bearer(member.token));
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.validation_errors[0].path).toBe('token');
    const verified = await post('2fa/verify', { token: codeOf(secret) }, bearer(member.token));
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ success: true });
    expect((await me()).body.is_two_factor_enabled).toBe(true);

    // While on: a new setup or verify is a conflict.
    for (const [path, body] of [
      ['2fa/setup', {}],
      ['2fa/verify', { token: codeOf(secret) }],
    ] as const) {
      const conflict = await post(path, body, bearer(member.token));
      expect(conflict.status).toBe(409);
      expect(conflict.body.error.code).toBe('CONFLICT');
    }

    // The right password earns a challenge, no tokens.
    const login = await post('login', { email: member.email, password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ require2fa: true, userId: member.id, challenge_token: expect.any(String) });
    const [challengeRow] = await gw.sql<{ token_hash: string }>(
      `SELECT token_hash FROM gateway.two_factor_challenges WHERE member_id = $1`,
      [member.id],
    );
    expect(challengeRow.token_hash).toBe(sha256Hex(login.body.challenge_token));

    await forgetUsedCode(member.id);
    const validated = await post('2fa/validate', {
      challenge_token: login.body.challenge_token,
      token: codeOf(secret),
      userId: randomUUID(), // legacy field, ignored
    });
    expect(validated.status).toBe(200);
    expect(validated.body).toEqual({
      user: { id: member.id, email: member.email, name: 'M', role: expect.any(String), avatar: null },
      token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 3600,
      token_type: 'Bearer',
    });
    const refreshed = await post('refresh', { refresh_token: validated.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.user.id).toBe(member.id);
    const session = bearer(refreshed.body.token);

    // Disable needs both factors; either one wrong → 401, and 2FA stays on.
    await forgetUsedCode(member.id);
    for (const body of [
      { password: 'wrong password', token: codeOf(secret) },
      { password: PASSWORD, token: wrongCodeOf(secret) },
    ]) {
      const refused = await post('2fa/disable', body, session);
      expect(refused.status).toBe(401);
      expect(refused.body.error).toMatchObject({
        code: 'AUTHENTICATION_ERROR',
        message: 'Invalid credentials',
      });
    }
    expect((await me()).body.is_two_factor_enabled).toBe(true);
    const disabled = await post('2fa/disable', { password: PASSWORD, token: codeOf(secret) }, session);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toEqual({ success: true });
    expect((await me()).body.is_two_factor_enabled).toBe(false);
    const [after] = await gw.sql<{ two_factor_secret: string | null }>(
      `SELECT two_factor_secret FROM gateway.member_credentials WHERE member_id = $1`,
      [member.id],
    );
    expect(after.two_factor_secret).toBeNull();
    expect(await failedLoginsOf(member.id)).toBe(0);

    const direct = await post('login', { email: member.email, password: PASSWORD });
    expect(direct.status).toBe(200);
    expect(direct.body.token).toEqual(expect.any(String));
    expect(direct.body.require2fa).toBeUndefined();
    // Off again: disable and verify have nothing to act on.
    expect((await post('2fa/disable', { password: PASSWORD, token: '123456' }, session)).status).toBe(422);
    expect((await post('2fa/verify', { token: '123456' }, session)).status).toBe(422);
  });

  it('refuses a wrong code, an unknown challenge, an expired one and a used one', async () => {
    const member = await memberWithTwoFactor();
    const challenge = await challengeOf(member.email);

    const wrong = await post('2fa/validate', {
      challenge_token: challenge,
      token: wrongCodeOf(member.secret),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({
      code: 'AUTHENTICATION_ERROR',
      message: 'Invalid two-factor code',
    });

    const unknown = await post('2fa/validate', {
      challenge_token: 'no-such-challenge',
      token: codeOf(member.secret),
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('AUTHENTICATION_ERROR');
    expect((await post('2fa/validate', { token: codeOf(member.secret), userId: member.id })).status).toBe(
      400,
    );

    // The challenge still works after one wrong code; once used, never again.
    expect(
      (await post('2fa/validate', { challenge_token: challenge, token: codeOf(member.secret) })).status,
    ).toBe(200);
    await forgetUsedCode(member.id);
    const reused = await post('2fa/validate', { challenge_token: challenge, token: codeOf(member.secret) });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('AUTHENTICATION_ERROR');

    const late = await challengeOf(member.email);
    await gw.sql(
      `UPDATE gateway.two_factor_challenges SET expires_at = now() - interval '1 second'
        WHERE token_hash = $1`,
      [sha256Hex(late)],
    );
    const expired = await post('2fa/validate', { challenge_token: late, token: codeOf(member.secret) });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('TOKEN_EXPIRED');
  });

  it('never accepts the same code twice, even with a new challenge', async () => {
    const member = await memberWithTwoFactor();
    const code = codeOf(member.secret);
    const first = await post('2fa/validate', {
      challenge_token: await challengeOf(member.email),
      token: code,
    });
    expect(first.status).toBe(200);

    const second = await challengeOf(member.email);
    const replay = await post('2fa/validate', { challenge_token: second, token: code });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('AUTHENTICATION_ERROR');
    // The same request is accepted once the used step is forgotten: it was refused as a replay, nothing else.
    await forgetUsedCode(member.id);
    expect((await post('2fa/validate', { challenge_token: second, token: code })).status).toBe(200);
  });

  it('spends a challenge after 5 wrong codes', async () => {
    const member = await memberWithTwoFactor();
    const challenge = await challengeOf(member.email);
    for (let i = 0; i < 5; i++) {
      const wrong = await post('2fa/validate', {
        challenge_token: challenge,
        token: wrongCodeOf(member.secret),
      });
      expect(wrong.status).toBe(401);
    }
    const spent = await post('2fa/validate', { challenge_token: challenge, token: codeOf(member.secret) });
    expect(spent.status).toBe(401);
    expect(spent.body.error.message).toMatch(/invalid or already used/);
    // A new sign-in works and clears the failure count.
    const fresh = await post('2fa/validate', {
      challenge_token: await challengeOf(member.email),
      token: codeOf(member.secret),
    });
    expect(fresh.status).toBe(200);
    expect(await failedLoginsOf(member.id)).toBe(0);
  });

  it('locks the account once wrong codes reach LOGIN_MAX_FAILURES: 429 with Retry-After, even for right answers', async () => {
    const member = await memberWithTwoFactor();
    const first = await challengeOf(member.email);
    for (let i = 0; i < 5; i++)
      await post('2fa/validate', { challenge_token: first, token: wrongCodeOf(member.secret) });
    // The right password does not clear the count while the code is still owed.
    const second = await challengeOf(member.email);
    expect(await failedLoginsOf(member.id)).toBe(5);
    const last = await post('2fa/validate', { challenge_token: second, token: wrongCodeOf(member.secret) });
    expect(last.status).toBe(401);
    expect(await failedLoginsOf(member.id)).toBe(MAX_FAILURES);

    const locked = await post('2fa/validate', { challenge_token: second, token: codeOf(member.secret) });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(590);
    expect((await post('login', { email: member.email, password: PASSWORD })).status).toBe(429);
    const disable = await post(
      '2fa/disable',
      { password: PASSWORD, token: codeOf(member.secret) },
      bearer(member.token),
    );
    expect(disable.status).toBe(429);

    // Once the lockout has passed, the same challenge and the right code sign in.
    await gw.sql(
      `UPDATE gateway.member_credentials SET last_failed_login_at = now() - interval '11 minutes'
        WHERE member_id = $1`,
      [member.id],
    );
    expect(
      (await post('2fa/validate', { challenge_token: second, token: codeOf(member.secret) })).status,
    ).toBe(200);
    expect(await failedLoginsOf(member.id)).toBe(0);
  });

  it('does not serve 2FA changes to API keys (403) or anonymous callers (401)', async () => {
    const key = { 'x-api-key': 'dev-ingest-key' }; // the development key, with every scope
    for (const [path, body] of [
      ['2fa/setup', {}],
      ['2fa/verify', { token: '123456' }],
      ['2fa/disable', { password: PASSWORD, token: '123456' }],
    ] as const) {
      expect((await post(path, body)).status).toBe(401);
      expect((await post(path, body, key)).status).toBe(403);
    }
  });
});
