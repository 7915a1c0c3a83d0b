import { DomainError, ErrorCode, Queries } from '@crm/contracts';
import { AccessTokens } from './support/access-tokens';
import { GatewayHarness } from './support/gateway-harness';
import { RpcResponders } from './support/rpc-responders';

const JWT_SECRET = 'cituro-routes-test-secret-0123456789abcdef';
const KEY = 'cituro-routes-key-all-scopes';
const tokens = new AccessTokens(JWT_SECRET);

/**
 * api.md §15.3/§15.4 at the gateway: auth labels, body validation before anything is forwarded, and the webhook's
 * exact bytes and signature header reaching cituro (which verifies; see apps/cituro/test/webhook.int-spec.ts).
 */
describe('gateway: /integrations/cituro/* and /api/webhooks/cituro', () => {
  let gw: GatewayHarness;
  const responders = new RpcResponders(() => gw);

  beforeAll(async () => {
    gw = await GatewayHarness.start({
      JWT_SECRET,
      API_KEYS: `${KEY}:api:events:write+read+write`,
      RPC_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    await gw?.close();
  });
  afterEach(() => responders.stopAll());

  const config = {
    base_url: 'https://app.cituro.com/api',
    api_configured: true,
    webhook_configured: true,
    booking_url: 'https://book.example.com',
    service_id: null,
    enabled: true,
    booking_stage_by_pipeline: {},
  };

  it('serves status and template to any member, refuses API keys and anonymous callers', async () => {
    await responders.answer(Queries.CituroGetStatus, () => ({
      status: 'connected',
      message: 'ok',
      enabled: true,
      subdomain: 'app.cituro.com',
      booking_url_configured: true,
    }));
    await responders.answer(Queries.CituroGetTemplate, () => ({
      email_template_html: '<a href="{BOOKING_LINK}">x</a>',
    }));
    for (const path of ['/api/v1/integrations/cituro/status', '/api/v1/integrations/cituro/template']) {
      expect((await gw.request(path, { headers: tokens.bearer('bdr') })).status).toBe(200);
      expect((await gw.request(path, { headers: { 'x-api-key': KEY } })).status).toBe(403);
      expect((await gw.request(path)).status).toBe(401);
    }
  });

  it('serves config to admins only', async () => {
    const get = await responders.answer(Queries.CituroGetConfig, () => config);
    expect(
      (await gw.request('/api/v1/integrations/cituro/config', { headers: tokens.bearer('admin') })).body,
    ).toEqual(config);
    const refused = await gw.request('/api/v1/integrations/cituro/config', {
      headers: tokens.bearer('marketing_manager'),
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('AUTHORIZATION_ERROR');
    expect(get.calls).toHaveLength(1);
  });

  it('forwards a valid config PUT with the actor; refuses an invalid one with 400 without forwarding', async () => {
    const put = await responders.answer(Queries.CituroUpdateConfig, () => config);
    const ok = await gw.request('/api/v1/integrations/cituro/config', {
      method: 'PUT',
      headers: tokens.bearer('admin'),
      body: { api_key: 'ak_new', enabled: true },
    });
    expect(ok).toMatchObject({ status: 200, body: config });
    expect(put.calls[0]).toMatchObject({
      actor: { type: 'user' },
      body: { api_key: 'ak_new', enabled: true },
    });
    const bad = await gw.request('/api/v1/integrations/cituro/config', {
      method: 'PUT',
      headers: tokens.bearer('admin'),
      body: { webhook_secret: 'no-prefix' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    expect(put.calls).toHaveLength(1);
  });

  it('lets config roles change the template, and refuses one without {BOOKING_LINK} with 400', async () => {
    const put = await responders.answer(
      Queries.CituroUpdateTemplate,
      (data: { body: { email_template_html: string } }) => ({
        success: true,
        email_template_html: data.body.email_template_html,
      }),
    );
    const html = '<p>{BOOKING_LINK}</p>';
    const ok = await gw.request('/api/v1/integrations/cituro/template', {
      method: 'PUT',
      headers: tokens.bearer('marketing_manager'),
      body: { email_template_html: html },
    });
    expect(ok).toMatchObject({ status: 200, body: { success: true, email_template_html: html } });
    const bdr = await gw.request('/api/v1/integrations/cituro/template', {
      method: 'PUT',
      headers: tokens.bearer('bdr'),
      body: { email_template_html: html },
    });
    expect(bdr.status).toBe(403);
    const bad = await gw.request('/api/v1/integrations/cituro/template', {
      method: 'PUT',
      headers: tokens.bearer('admin'),
      body: { email_template_html: '<p>no link</p>' },
    });
    expect(bad.status).toBe(400);
    expect(put.calls).toHaveLength(1);
  });

  describe('POST /api/webhooks/cituro', () => {
    it('forwards the exact body bytes and the signature header, without credentials, and answers 200', async () => {
      const receive = await responders.answer(Queries.CituroReceiveWebhook, () => ({
        received: true,
        event: 'booking.created',
        duplicate: false,
      }));
      // Unusual spacing and key order: a re-serialised body would differ.
      const raw = '{ "type":"booking.created",  "eventId":"e-1", "data":{"booking":{"customerId":"c1"}} }';
      const answer = await gw.request('/api/webhooks/cituro', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cituro-signature': 't=1780000000000, s=abc' },
        body: raw,
      });
      expect(answer).toMatchObject({
        status: 200,
        body: { received: true, event: 'booking.created', duplicate: false },
      });
      expect(Buffer.from(receive.calls[0].raw_body_base64, 'base64').toString('utf8')).toBe(raw);
      expect(receive.calls[0].signature).toBe('t=1780000000000, s=abc');
    });

    it('renders cituro’s refusals in the error envelope: 401 INVALID_SIGNATURE, 503 SERVICE_UNAVAILABLE', async () => {
      let refusal = new DomainError(ErrorCode.InvalidSignature, 'bad signature', 401);
      await responders.answer(Queries.CituroReceiveWebhook, () => {
        throw refusal;
      });
      const send = () =>
        gw.request('/api/webhooks/cituro', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-cituro-signature': 't=1,s=00' },
          body: '{"type":"booking.created"}',
        });
      const unauthorized = await send();
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.body.error).toMatchObject({
        code: 'INVALID_SIGNATURE',
        request_id: expect.any(String),
      });
      refusal = new DomainError(ErrorCode.ServiceUnavailable, 'no secret', 503);
      expect((await send()).status).toBe(503);
    });

    it('answers 400 INVALID_JSON for a body that is not JSON, without forwarding it', async () => {
      const receive = await responders.answer(Queries.CituroReceiveWebhook, () => ({
        received: true,
        event: null,
        duplicate: false,
      }));
      const answer = await gw.request('/api/webhooks/cituro', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cituro-signature': 't=1,s=00' },
        body: '{not json',
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('INVALID_JSON');
      expect(receive.calls).toHaveLength(0);
    });
  });
});
