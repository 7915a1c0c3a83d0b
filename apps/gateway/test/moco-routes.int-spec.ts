import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, NotFoundError, Queries, type MemberRole } from '@crm/contracts';
import { signMocoWebhook } from '@crm/testing';
import { JwtService } from '@nestjs/jwt';
import { GatewayHarness } from './support/gateway-harness';

const KEY = 'moco-routes-key';
const JWT_SECRET = 'moco-routes-test-secret-0123456789abcdef';
const tokenOf = (role: MemberRole) =>
  new JwtService({ secret: JWT_SECRET }).sign(
    { sub: randomUUID(), email: `${role}@dna-me.example`, role, typ: 'access', jti: randomUUID() },
    { expiresIn: 3600 },
  );
const as = (role: MemberRole) => ({ authorization: `Bearer ${tokenOf(role)}` });

let gw: GatewayHarness;
type Handler = (data: any) => unknown;
let subscriptions: { unsubscribe(): void }[] = [];

/** A stand-in for leads or moco: answers `subject` in the messaging reply format and records what it got. */
async function respond(subject: string, handler: Handler): Promise<any[]> {
  const calls: any[] = [];
  subscriptions.push(
    gw.nc.subscribe(gw.subject(subject), {
      callback: (_error, message) => {
        const data = message.json<any>();
        calls.push(data);
        let reply: unknown;
        try {
          reply = { ok: true, data: handler(data) ?? null };
        } catch (error) {
          reply = { ok: false, error: (error as DomainError).toBody() };
        }
        message.respond(JSON.stringify(reply));
      },
    }),
  );
  await gw.nc.flush();
  return calls;
}

const lead = (id: string, organizationId: string | null = null) => ({
  id,
  email: 'jane@acme.test',
  first_name: 'Jane',
  last_name: 'Doe',
  phone: null,
  job_title: 'CTO',
  organization_id: organizationId,
});

beforeAll(async () => {
  gw = await GatewayHarness.start({
    API_KEYS: `${KEY}:api:events:write+read+write`,
    RPC_TIMEOUT_MS: '1000',
    HEALTH_EXPECTED_SERVICES: 'leads',
    JWT_SECRET,
  });
});
afterEach(() => {
  for (const s of subscriptions) s.unsubscribe();
  subscriptions = [];
});
afterAll(async () => {
  await gw?.close();
});

describe('MOCO routes (api.md §15.2): auth labels', () => {
  it('status is for members (no API key), config for admins only', async () => {
    await respond(Queries.MocoStatus, () => ({
      status: 'connected',
      message: 'ok',
      enabled: true,
      subdomain: 'acme',
    }));
    await respond(Queries.MocoGetConfig, () => ({
      subdomain: 'acme',
      api_configured: true,
      webhook_configured: false,
      enabled: true,
    }));
    expect((await gw.request('/api/v1/integrations/moco/status', { headers: as('bdr') })).status).toBe(200);
    expect(
      (await gw.request('/api/v1/integrations/moco/status', { headers: { 'x-api-key': KEY } })).status,
    ).toBe(403);
    expect(
      (await gw.request('/api/v1/integrations/moco/config', { headers: as('marketing_manager') })).status,
    ).toBe(403);
    const config = await gw.request('/api/v1/integrations/moco/config', { headers: as('admin') });
    expect(config).toMatchObject({ status: 200, body: { subdomain: 'acme', api_configured: true } });
  });

  it('PUT config validates the body before moco sees it', async () => {
    const calls = await respond(Queries.MocoUpdateConfig, (data) => ({ message: 'updated', ...data }));
    const bad = await gw.request('/api/v1/integrations/moco/config', {
      method: 'PUT',
      headers: as('admin'),
      body: { webhook_keys: ['not-a-key'] },
    });
    expect(bad.status).toBe(400);
    expect(calls).toEqual([]);
    const ok = await gw.request('/api/v1/integrations/moco/config', {
      method: 'PUT',
      headers: as('admin'),
      body: { api_key: 'k', subdomain: 'acme', enabled: true },
    });
    expect(ok.status).toBe(200);
    expect(calls).toEqual([{ api_key: 'k', subdomain: 'acme', enabled: true }]);
  });
});

describe('MOCO sync routes', () => {
  it('queues a lead sync with the lead and organization snapshot: 202 with the command id', async () => {
    const leadId = randomUUID();
    const orgId = randomUUID();
    await respond(Queries.LeadsGetLead, (data) => lead(data.id, orgId));
    await respond(Queries.LeadsGetOrganization, (data) => ({
      id: data.id,
      name: 'Acme GmbH',
      domain: 'acme.test',
      country: 'de',
    }));
    const commandId = randomUUID();
    const calls = await respond(Queries.MocoRequestSync, () => ({ command_id: commandId }));

    const response = await gw.request(`/api/v1/integrations/moco/sync/lead/${leadId}`, {
      method: 'POST',
      headers: as('marketing_manager'),
      body: { action: 'create_customer' },
    });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({
      message: expect.any(String),
      lead_id: leadId,
      job_type: 'create_customer',
      command_id: commandId,
    });
    expect(calls[0]).toEqual({
      operation: 'create_customer',
      lead: {
        id: leadId,
        email: 'jane@acme.test',
        first_name: 'Jane',
        last_name: 'Doe',
        phone: null,
        job_title: 'CTO',
      },
      organization: { id: orgId, name: 'Acme GmbH', website: 'acme.test', country_code: 'DE' },
      deal: null,
      force: false,
    });
  });

  it('maps create_invoice on a deal to an invoice draft and sends the deal snapshot', async () => {
    const dealId = randomUUID();
    const leadId = randomUUID();
    await respond(Queries.LeadsGetDeal, (data) => ({
      id: data.id,
      lead_id: leadId,
      name: 'Lab enablement',
      value: 1200,
      currency: 'EUR',
      expected_close_date: null,
    }));
    await respond(Queries.LeadsGetLead, (data) => lead(data.id));
    const calls = await respond(Queries.MocoRequestSync, () => ({ command_id: randomUUID() }));
    const response = await gw.request(`/api/v1/integrations/moco/sync/deal/${dealId}`, {
      method: 'POST',
      headers: as('admin'),
      body: { action: 'create_invoice', force: true },
    });
    expect(response).toMatchObject({ status: 202, body: { deal_id: dealId, job_type: 'create_invoice' } });
    expect(calls[0]).toMatchObject({
      operation: 'create_invoice_draft',
      force: true,
      organization: null,
      deal: { id: dealId, name: 'Lab enablement', value: 1200, currency: 'EUR', expected_close_date: null },
    });
  });

  it('400 for an action that does not fit, 404 for an unknown lead, 422 when MOCO is not configured', async () => {
    const calls = await respond(Queries.MocoRequestSync, () => {
      throw new DomainError(ErrorCode.IntegrationNotConfigured, 'MOCO is not configured', 422);
    });
    await respond(Queries.LeadsGetLead, (data) => {
      if (data.id === unknownLead) throw new NotFoundError('Lead', data.id);
      return lead(data.id);
    });
    const unknownLead = randomUUID();
    const post = (path: string, body: unknown, role: MemberRole = 'admin') =>
      gw.request(path, { method: 'POST', headers: as(role), body });

    const wrongAction = await post(`/api/v1/integrations/moco/sync/lead/${randomUUID()}`, {
      action: 'create_offer',
    });
    expect(wrongAction.status).toBe(400);
    expect(wrongAction.body.error.code).toBe(ErrorCode.ValidationError);
    expect(
      (await post(`/api/v1/integrations/moco/sync/lead/${unknownLead}`, { action: 'create_customer' }))
        .status,
    ).toBe(404);
    expect(calls).toEqual([]);
    const unconfigured = await post(`/api/v1/integrations/moco/sync/lead/${randomUUID()}`, {
      action: 'create_customer',
    });
    expect(unconfigured.status).toBe(422);
    expect(unconfigured.body.error.code).toBe(ErrorCode.IntegrationNotConfigured);
    expect(
      (
        await post(
          `/api/v1/integrations/moco/sync/lead/${randomUUID()}`,
          { action: 'create_customer' },
          'bdr',
        )
      ).status,
    ).toBe(403);
  });
});

describe('MOCO webhook (api.md §15.5)', () => {
  const key = '0123456789abcdef0123456789abcdef';

  it('needs no credentials and forwards the exact raw body and the X-Moco headers', async () => {
    const calls = await respond(Queries.MocoReceiveWebhook, (data) => ({
      received: true,
      target: data.headers['x-moco-target'],
      event: data.headers['x-moco-event'],
      duplicate: false,
    }));
    // Spacing JSON.stringify would not reproduce: the signature covers these bytes.
    const raw = '{ "id" : 7,  "status":"paid", "updated_at":"2026-12-01T10:00:00Z" }';
    const response = await gw.request('/api/v1/integrations/moco/webhook', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-moco-target': 'Invoice',
        'x-moco-event': 'update',
        'x-moco-timestamp': '1527170410463',
        'x-moco-signature': signMocoWebhook(key, raw),
      },
      body: raw,
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true, target: 'Invoice', event: 'update', duplicate: false });
    expect(Buffer.from(calls[0].raw_body_base64, 'base64').toString('utf8')).toBe(raw);
    expect(calls[0].headers['x-moco-signature']).toBe(signMocoWebhook(key, raw));
  });

  it('renders moco 401 and 503 answers as the error envelope', async () => {
    let answer = 401;
    await respond(Queries.MocoReceiveWebhook, () => {
      throw answer === 401
        ? new DomainError(ErrorCode.InvalidSignature, 'bad signature', 401)
        : new DomainError(ErrorCode.ServiceUnavailable, 'no key', 503);
    });
    const send = () =>
      gw.request('/api/v1/integrations/moco/webhook', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-moco-signature': 'x' },
        body: '{"id":1}',
      });
    const unauthorized = await send();
    expect(unauthorized).toMatchObject({
      status: 401,
      body: { error: { code: ErrorCode.InvalidSignature } },
    });
    expect(unauthorized.body.error.request_id).toMatch(/./);
    answer = 503;
    expect((await send()).status).toBe(503);
  });
});

