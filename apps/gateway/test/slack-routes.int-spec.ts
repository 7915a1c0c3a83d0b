import { Queries } from '@crm/contracts';
import { AccessTokens } from './support/access-tokens';
import { GatewayHarness } from './support/gateway-harness';
import { RpcResponders } from './support/rpc-responders';

const JWT_SECRET = 'slack-routes-test-secret-0123456789abcdef';
const KEY = 'slack-routes-key-all-scopes';
const tokens = new AccessTokens(JWT_SECRET);

/**
 * api.md §15.1 and §15.6 at the gateway: auth labels, body validation before anything is forwarded, the
 * shapes passed through, and the overall status surviving a service that does not answer. The slack service's
 * own behaviour is in apps/slack/test/settings.int-spec.ts.
 */
describe('gateway: /integrations/slack/* and /integrations/status', () => {
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
    enabled: true,
    mode: 'webhook',
    webhook_configured: true,
    bot_token_configured: false,
    default_channel: '#general',
    channels: { '#hot-leads': { target: 'webhook', configured: true } },
    alerts: { hot_lead: '#hot-leads' },
  };
  const slackStatus = { status: 'connected', message: 'ok', enabled: true, mode: 'webhook' };

  it('serves the Slack status to any member, refuses API keys and anonymous callers', async () => {
    await responders.answer(Queries.SlackGetStatus, () => slackStatus);
    const path = '/api/v1/integrations/slack/status';
    expect(await gw.request(path, { headers: tokens.bearer('bdr') })).toMatchObject({
      status: 200,
      body: slackStatus,
    });
    expect((await gw.request(path, { headers: { 'x-api-key': KEY } })).status).toBe(403);
    expect((await gw.request(path)).status).toBe(401);
  });

  it('serves config and the test post to admins only', async () => {
    const get = await responders.answer(Queries.SlackGetConfig, () => config);
    const test = await responders.answer(Queries.SlackSendTest, () => ({
      success: true,
      channel: '#general',
      ts: '1.2',
    }));
    expect(
      (await gw.request('/api/v1/integrations/slack/config', { headers: tokens.bearer('admin') })).body,
    ).toEqual(config);
    const sent = await gw.request('/api/v1/integrations/slack/test', {
      method: 'POST',
      headers: tokens.bearer('admin'),
      body: { channel: '#general', text: 'hello' },
    });
    expect(sent).toMatchObject({ status: 200, body: { success: true, channel: '#general', ts: '1.2' } });
    expect(test.calls[0]).toMatchObject({
      actor: { type: 'user' },
      body: { channel: '#general', text: 'hello' },
    });
    for (const [method, path] of [
      ['GET', '/api/v1/integrations/slack/config'],
      ['PUT', '/api/v1/integrations/slack/config'],
      ['POST', '/api/v1/integrations/slack/test'],
    ]) {
      const refused = await gw.request(path, {
        method,
        headers: tokens.bearer('marketing_manager'),
        body: method === 'GET' ? undefined : { enabled: true },
      });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('AUTHORIZATION_ERROR');
    }
    expect(get.calls).toHaveLength(1);
    expect(test.calls).toHaveLength(1);
  });

  it('forwards a valid config PUT with the actor; refuses invalid ones with 400 naming the field', async () => {
    const put = await responders.answer(Queries.SlackUpdateConfig, () => config);
    const body = {
      enabled: true,
      mode: 'webhook',
      webhook_url: 'https://hooks.slack.com/services/T0/B0/x',
      channels: { '#hot-leads': { webhook_url: 'https://hooks.slack.com/services/T0/B1/y' } },
      alerts: { hot_lead: '#hot-leads', deal_won: '#wins' },
    };
    const ok = await gw.request('/api/v1/integrations/slack/config', {
      method: 'PUT',
      headers: tokens.bearer('admin'),
      body,
    });
    expect(ok).toMatchObject({ status: 200, body: config });
    expect(put.calls[0]).toMatchObject({ actor: { type: 'user' }, body });
    for (const [bad, field] of [
      [{ mode: 'carrier-pigeon' }, 'mode'],
      [{ webhook_url: 'ftp://x' }, 'webhook_url'],
      [{ bot_token: 'not-a-token' }, 'bot_token'],
      [{ channels: { '#x': { webhook_url: 'https://a', channel_id: 'C0123456789' } } }, 'channels'],
      [{ channels: { '#x': { channel_id: 'general' } } }, 'channels'],
      [{ alerts: { lunch: '#food' } }, 'alerts'],
      [{ enabled: 'yes' }, 'enabled'],
    ] as const) {
      const refused = await gw.request('/api/v1/integrations/slack/config', {
        method: 'PUT',
        headers: tokens.bearer('admin'),
        body: bad,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('VALIDATION_ERROR');
      expect(refused.body.error.details.validation_errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining(field) })]),
      );
    }
    expect(put.calls).toHaveLength(1);
  });

  it('sums up every integration for members; a service that does not answer is reported, not fatal', async () => {
    await responders.answer(Queries.SlackGetStatus, () => slackStatus);
    await responders.answer(Queries.CituroGetStatus, () => ({
      status: 'not_configured',
      message: 'no key',
      enabled: false,
      subdomain: 'app.cituro.com',
      booking_url_configured: false,
    }));
    await responders.answer(Queries.MailerStatus, () => ({ configured: true, connected: false }));
    // No moco responder: moco is down.
    const answer = await gw.request('/api/v1/integrations/status', { headers: tokens.bearer('bdr') });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      moco: { configured: false, connected: false, enabled: false, unreachable: true },
      slack: { configured: true, connected: true, enabled: true },
      cituro: { configured: false, connected: false, enabled: false },
      mailer: { configured: true, connected: false, enabled: true },
      linkedin: { configured: false, enabled: false },
    });
    expect((await gw.request('/api/v1/integrations/status')).status).toBe(401);
  });

  it('documents the routes in OpenAPI with the roles they are checked for', async () => {
    const document = (await gw.request('/docs/openapi.json')).body;
    expect(document.paths['/integrations/slack/config'].put.security).toEqual([{ bearer: ['admin'] }]);
    expect(document.paths['/integrations/slack/test'].post.security).toEqual([{ bearer: ['admin'] }]);
    expect(
      document.paths['/integrations/slack/config'].put.requestBody.content['application/json'].schema,
    ).toEqual({
      $ref: '#/components/schemas/UpdateSlackConfigBody',
    });
    expect(document.paths['/integrations/status'].get.security).toEqual([{ bearer: expect.any(Array) }]);
  });
});
