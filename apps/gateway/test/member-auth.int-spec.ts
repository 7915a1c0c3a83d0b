import { randomUUID } from 'node:crypto';
import { GatewayHarness } from './support/gateway-harness';
import { RpcResponders } from './support/rpc-responders';
import { TeamAsLeads } from './support/team-as-leads';

const KEY = 'member-auth-key-all-scopes';
const JWT_SECRET = 'member-auth-test-secret-0123456789abcdef';

let gw: GatewayHarness;
const responders = new RpcResponders(() => gw);

const leads = new TeamAsLeads();
const team = leads.members;

const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
  gw.request(`/api/v1/auth/${path}`, { method: 'POST', body: body ?? {}, headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const unique = () => randomUUID().slice(0, 8);

beforeAll(async () => {
  gw = await GatewayHarness.start({
    API_KEYS: `${KEY}:api:events:write+read+write`,
    JWT_SECRET,
    RPC_TIMEOUT_MS: '2000',
    LOGIN_MAX_FAILURES: '3',
    LOGIN_LOCKOUT_SECONDS: '600',
  });
  await leads.answer(responders);
});

afterAll(async () => {
  responders.stopAll();
  await gw?.close();
});

describe('member sign-in (api.md §3)', () => {
  let admin: { email: string; password: string; token: string; refresh: string; id: string };

  it('makes exactly one of two simultaneous first registrations an active admin, signed in; the other waits for approval', async () => {
    const [a, b] = [`ada.${unique()}@dna-me.example`, `bob.${unique()}@dna-me.example`];
    const replies = await Promise.all(
      [a, b].map((email) =>
        post('register', { email, password: 'correct horse 1', name: email.split('.')[0] }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual([201, 201]);
    const signedIn = replies.filter((r) => r.body.token);
    const waiting = replies.filter((r) => r.body.message);
    expect(signedIn).toHaveLength(1);
    expect(waiting).toHaveLength(1);
    expect(signedIn[0].body).toEqual({
      user: {
        id: expect.any(String),
        email: expect.any(String),
        name: expect.any(String),
        role: 'admin',
        avatar: null,
      },
      token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 3600,
      token_type: 'Bearer',
    });
    expect(waiting[0].body).toEqual({
      message: expect.any(String),
      user: expect.objectContaining({ role: 'bdr', is_active: false }),
    });
    const { user, token, refresh_token } = signedIn[0].body;
    admin = { email: user.email, password: 'correct horse 1', token, refresh: refresh_token, id: user.id };

    const stored = await gw.sql<{ password_hash: string }>(
      `SELECT password_hash FROM gateway.member_credentials`,
    );
    expect(stored).toHaveLength(2);
    for (const { password_hash } of stored) expect(password_hash).toMatch(/^\$argon2id\$/);
    const tokens = await gw.sql<{ token_hash: string }>(`SELECT token_hash FROM gateway.refresh_tokens`);
    expect(tokens.map((t) => t.token_hash)).not.toContain(refresh_token);

    const me = await gw.request('/api/v1/auth/me', { headers: bearer(token) });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: admin.id,
      email: admin.email,
      name: expect.any(String),
      role: 'admin',
      region: null,
      avatar: null,
      is_active: true,
      is_two_factor_enabled: false,
      max_leads: 50,
      created_at: expect.any(String),
    });
  });

  it('refuses bad registrations: a taken email (any case) 409, short password 400, nothing stored', async () => {
    const taken = await post('register', {
      email: admin.email.toUpperCase(),
      password: 'long enough 1',
      name: 'X',
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('CONFLICT');
    const short = await post('register', {
      email: `c.${unique()}@dna-me.example`,
      password: 'short',
      name: 'C',
    });
    expect(short.status).toBe(400);
    expect(short.body.error.details.validation_errors[0].path).toBe('password');
    const [{ n }] = await gw.sql<{ n: number }>(`SELECT count(*)::int AS n FROM gateway.member_credentials`);
    expect(n).toBe(2);
  });

  it('answers a wrong password and an unknown email alike; an inactive member 403 until approved', async () => {
    for (const body of [
      { email: admin.email, password: 'wrong password' },
      { email: `nobody.${unique()}@dna-me.example`, password: 'whatever 123' },
    ]) {
      const refused = await post('login', body);
      expect(refused.status).toBe(401);
      expect(refused.body.error).toMatchObject({
        code: 'AUTHENTICATION_ERROR',
        message: 'Invalid credentials',
      });
    }
    const pending = [...team.values()].find((m) => !m.is_active)!;
    const inactive = await post('login', { email: pending.email, password: 'correct horse 1' });
    expect(inactive.status).toBe(403);
    expect(inactive.body.error.code).toBe('ACCOUNT_INACTIVE');
    const approved = await gw.request(`/api/v1/team/${pending.id}/activate`, {
      method: 'POST',
      headers: bearer(admin.token),
    });
    expect(approved.status).toBe(200);
    const login = await post('login', { email: pending.email, password: 'correct horse 1' });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ id: pending.id, role: 'bdr' });

    // Sessions end with deactivation: the refresh token stops working at once.
    expect(
      (
        await gw.request(`/api/v1/team/${pending.id}/deactivate`, {
          method: 'POST',
          headers: bearer(admin.token),
        })
      ).status,
    ).toBe(200);
    const afterDeactivation = await post('refresh', { refresh_token: login.body.refresh_token });
    expect(afterDeactivation.status).toBe(401);
    expect(afterDeactivation.body.error.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('rotates refresh tokens; a spent one presented again revokes its whole family', async () => {
    const login = await post('login', { email: admin.email, password: admin.password });
    expect(login.status).toBe(200);
    const first = login.body.refresh_token;
    const rotated = await post('refresh', { refresh_token: first });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ user: { id: admin.id, role: 'admin' }, token_type: 'Bearer' });
    expect(rotated.body.refresh_token).not.toBe(first);
    expect((await gw.request('/api/v1/auth/me', { headers: bearer(rotated.body.token) })).status).toBe(200);

    const reused = await post('refresh', { refresh_token: first });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('INVALID_REFRESH_TOKEN');
    // The thief's reuse killed the chain: the legitimate newer token is dead too.
    expect((await post('refresh', { refresh_token: rotated.body.refresh_token })).status).toBe(401);
    // Another session of the same member is a family of its own and lives on.
    expect((await post('refresh', { refresh_token: admin.refresh })).status).toBe(200);
    expect((await post('refresh', { refresh_token: 'not-a-token' })).status).toBe(401);
  });

  it('logs out one session or all of them; logout and me need a signed-in member', async () => {
    const one = (await post('login', { email: admin.email, password: admin.password })).body;
    const two = (await post('login', { email: admin.email, password: admin.password })).body;
    const three = (await post('login', { email: admin.email, password: admin.password })).body;
    expect((await post('logout', { refresh_token: one.refresh_token }, bearer(one.token))).status).toBe(204);
    expect((await post('refresh', { refresh_token: one.refresh_token })).status).toBe(401);
    expect((await post('refresh', { refresh_token: two.refresh_token })).status).toBe(200);
    expect((await post('logout', { all: true }, bearer(three.token))).status).toBe(204);
    expect((await post('refresh', { refresh_token: three.refresh_token })).status).toBe(401);

    expect((await post('logout', {}, bearer(three.token))).status).toBe(400);
    expect((await post('logout', { all: true }, { 'x-api-key': KEY })).status).toBe(403);
    expect((await gw.request('/api/v1/auth/me', { headers: { 'x-api-key': KEY } })).status).toBe(403);
    expect((await gw.request('/api/v1/auth/me')).status).toBe(401);
  });

  it('locks an account after repeated failures (429 with Retry-After), even for the right password', async () => {
    const email = `eve.${unique()}@dna-me.example`;
    // Registered and approved directly: the lockout is about the password check.
    expect((await post('register', { email, password: 'the right one 1', name: 'Eve' })).status).toBe(201);
    const eve = [...team.values()].find((m) => m.email === email)!;
    eve.is_active = true;
    for (let i = 0; i < 3; i++)
      expect((await post('login', { email, password: 'guess ' + i })).status).toBe(401);
    const locked = await post('login', { email, password: 'the right one 1' });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(590);
    // Once the lockout has passed, the right password signs in and clears the count.
    await gw.sql(
      `UPDATE gateway.member_credentials SET last_failed_login_at = now() - interval '11 minutes'
                   WHERE lower(email) = $1`,
      [email],
    );
    expect((await post('login', { email, password: 'the right one 1' })).status).toBe(200);
    const [{ failed_logins }] = await gw.sql<{ failed_logins: number }>(
      `SELECT failed_logins FROM gateway.member_credentials WHERE lower(email) = $1`,
      [email],
    );
    expect(failed_logins).toBe(0);
  });
});
