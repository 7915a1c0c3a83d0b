import { randomUUID } from 'node:crypto';
import {
  DomainError,
  Queries,
  Subjects,
  type SlackConfigView,
  type SlackMessageFailedV1,
  type SlackMessagePostedV1,
  type SlackStatusView,
  type SlackTestResult,
} from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { ADMIN, SlackHarness } from './support/slack-harness';

const BOT_TOKEN = 'xoxb-settings-test-token';
const HOT_LEADS_PATH = '/services/T000/B111/HOTLEADS';
const DEALS_CHANNEL_ID = 'C0DEALS0001';

/**
 * api.md §15.6 in the slack service: settings stored encrypted over the environment's defaults, status
 * (webhook: the last post; bot: auth.test), the test post, and posts following the saved channel targets.
 */
describe('slack service: run-time settings, status and test post (real NATS + Postgres, fake Slack)', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await SlackHarness.start({ env: (fake) => ({ SLACK_API_URL: `${fake.url}/api/` }) });
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => h.fake.reset());

  const status = () => h.nats.request<SlackStatusView>(Queries.SlackGetStatus, {});
  const sendTest = (body: { channel?: string; text?: string }) =>
    h.nats.request<SlackTestResult>(Queries.SlackSendTest, { actor: ADMIN, body });
  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a rejection');
      },
      (error: unknown) => error as DomainError,
    );

  async function post(channel: string) {
    const key = `key-${randomUUID()}`;
    const posted = h.nats.collect<SlackMessagePostedV1>(
      Subjects.SlackMessagePosted,
      (e) => e.data.idempotency_key === key,
    );
    const failed = h.nats.collect<SlackMessageFailedV1>(
      Subjects.SlackMessageFailed,
      (e) => e.data.idempotency_key === key,
    );
    const envelope = h.nats.envelope(
      Subjects.SlackPostMessage,
      { channel, text: `to ${channel}`, reference: 'settings-test' },
      { idempotencyKey: key },
    );
    await h.nats.publish(Subjects.SlackPostMessage, envelope);
    return waitFor(async () => posted[0] ?? failed[0], { message: `result of the post to ${channel}` });
  }

  it('serves the environment as the settings until some are saved; webhook status needs a successful post', async () => {
    expect(await h.nats.request<SlackConfigView>(Queries.SlackGetConfig, {})).toEqual({
      enabled: true,
      mode: 'webhook',
      webhook_configured: true,
      bot_token_configured: false,
      default_channel: null,
      channels: {},
      alerts: {},
    });
    const before = await status();
    expect(before).toMatchObject({ status: 'error', enabled: true, mode: 'webhook' });
    expect(before.message).toMatch(/not verified/i);
    expect(h.fake.received).toHaveLength(0);

    const noChannel = await rejection(sendTest({}));
    expect(noChannel).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });

    expect(await sendTest({ channel: '#general', text: 'ping' })).toEqual({
      success: true,
      channel: '#general',
    });
    const [message] = h.fake.deliveredMessages();
    expect(message).toMatchObject({ kind: 'webhook', path: '/services/T000/B000/XXXX', text: 'ping' });
    expect(await status()).toMatchObject({ status: 'connected', mode: 'webhook' });
  });

  it('stores secrets encrypted and answers only *_configured flags; posts follow the saved targets', async () => {
    const hotLeadsWebhook = h.fake.webhookUrl(HOT_LEADS_PATH);
    const defaultWebhook = h.fake.webhookUrl('/services/T000/B222/DEFAULT');
    const saved = await h.configure({
      webhook_url: defaultWebhook,
      bot_token: BOT_TOKEN,
      default_channel: '#general',
      channels: {
        '#hot-leads': { webhook_url: hotLeadsWebhook },
        '#deals': { channel_id: DEALS_CHANNEL_ID },
      },
      alerts: { hot_lead: '#hot-leads' },
    });
    expect(saved).toEqual({
      enabled: true,
      mode: 'webhook',
      webhook_configured: true,
      bot_token_configured: true,
      default_channel: '#general',
      channels: {
        '#hot-leads': { target: 'webhook', configured: true },
        '#deals': { target: 'channel_id', configured: true },
      },
      alerts: { hot_lead: '#hot-leads' },
    });
    expect(await h.nats.request(Queries.SlackGetConfig, {})).toEqual(saved);
    const [row] = await h.query('SELECT * FROM slack.settings');
    expect(row.webhook_url_encrypted).toMatch(/^v1\./);
    expect(row.bot_token_encrypted).toMatch(/^v1\./);
    for (const stored of [JSON.stringify(row), JSON.stringify(saved)]) {
      expect(stored).not.toContain(BOT_TOKEN);
      expect(stored).not.toContain(HOT_LEADS_PATH);
      expect(stored).not.toContain('B222');
    }
    // A settings change asks for a new successful post before the webhook counts as connected.
    expect(await status()).toMatchObject({ status: 'error' });

    // Own webhook; channel id through the bot; an unknown channel goes to the default webhook (webhook mode).
    expect(await post('#hot-leads')).toMatchObject({ type: Subjects.SlackMessagePosted });
    expect(await post('#deals')).toMatchObject({ type: Subjects.SlackMessagePosted });
    expect(await post('#random')).toMatchObject({ type: Subjects.SlackMessagePosted });
    const delivered = h.fake.deliveredMessages();
    expect(delivered.map((m) => [m.kind, m.kind === 'webhook' ? m.path : m.channel])).toEqual([
      ['webhook', HOT_LEADS_PATH],
      ['web_api', DEALS_CHANNEL_ID],
      ['webhook', '/services/T000/B222/DEFAULT'],
    ]);
    expect(await status()).toMatchObject({ status: 'connected' });
  });

  it('bot mode: the status is auth.test (refreshed when the settings change); a test post reports Slack’s code', async () => {
    await h.configure({ mode: 'bot', bot_token: BOT_TOKEN });
    expect(await status()).toMatchObject({ status: 'connected', mode: 'bot' });
    expect(h.fake.received.map((r) => r.path)).toEqual(['/api/auth.test']);

    h.fake.configure({ knownChannels: ['general'] });
    try {
      expect(await sendTest({ channel: '#nowhere' })).toEqual({
        success: false,
        channel: '#nowhere',
        error: 'channel_not_found',
      });
      const ok = await sendTest({});
      expect(ok).toEqual({ success: true, channel: '#general', ts: expect.any(String) });
    } finally {
      h.fake.configure({ knownChannels: undefined });
    }

    await h.configure({ bot_token: 'xoxb-revoked' });
    h.fake.configure({ validTokens: [BOT_TOKEN] });
    try {
      expect(await status()).toMatchObject({ status: 'error', message: 'invalid_auth', mode: 'bot' });
    } finally {
      h.fake.configure({ validTokens: undefined });
    }
  });

  it('unconfigured or disabled: the post fails with INTEGRATION_NOT_CONFIGURED at once, not retried', async () => {
    await h.configure({ mode: 'webhook', webhook_url: null, bot_token: null, channels: {} });
    expect(await status()).toMatchObject({ status: 'not_configured', mode: 'webhook' });
    const unconfigured = await post('#general');
    expect(unconfigured.data).toMatchObject({
      error: { code: 'INTEGRATION_NOT_CONFIGURED', retryable: false },
      attempts: 1,
    });

    await h.configure({ webhook_url: h.fake.webhookUrl(), enabled: false });
    const disabled = await post('#general');
    expect(disabled.data).toMatchObject({ error: { code: 'INTEGRATION_NOT_CONFIGURED', retryable: false } });
    expect(h.fake.received).toHaveLength(0);
  });

  it('refuses an empty or invalid config body with 400 VALIDATION_ERROR naming the field, and changes nothing', async () => {
    const before = await h.nats.request<SlackConfigView>(Queries.SlackGetConfig, {});
    expect(await rejection(h.configure({}))).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
    for (const [body, field] of [
      [{ bot_token: 'nope' }, 'bot_token'],
      [{ channels: { '#x': { channel_id: 'not-an-id' } } }, 'channels'],
      [{ alerts: { lunch: '#food' } }, 'alerts'],
    ] as const) {
      const error = await rejection(h.configure(body as never));
      expect(error).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
      expect(JSON.stringify(error.details)).toContain(field);
    }
    expect(await h.nats.request(Queries.SlackGetConfig, {})).toEqual(before);
  });
});
