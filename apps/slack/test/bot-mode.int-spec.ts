import { randomUUID } from 'node:crypto';
import {
  Subjects,
  type SlackMessageFailedV1,
  type SlackMessagePostedV1,
  type SlackPostMessageV1,
} from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { SlackHarness } from './support/slack-harness';

describe('slack service with a bot token (chat.postMessage) and a webhook for #alerts', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await SlackHarness.start({
      env: (fake) => ({
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_API_URL: `${fake.url}/api/`,
        SLACK_WEBHOOK_URL: fake.webhookUrl(),
        SLACK_WEBHOOK_CHANNELS: '#alerts',
      }),
    });
    h.fake.configure({ knownChannels: ['#hot-leads', '#alerts'] });
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => h.fake.reset());

  const forKey = (key: string) => (e: { data: { idempotency_key: string } }) =>
    e.data.idempotency_key === key;

  async function send(data: SlackPostMessageV1, key: string) {
    await h.nats.publish(
      Subjects.SlackPostMessage,
      h.nats.envelope(Subjects.SlackPostMessage, data, { idempotencyKey: key }),
    );
  }

  it('posts through chat.postMessage with the bot token and reports the message ts', async () => {
    const key = `key-${randomUUID()}`;
    const posted = h.nats.collect<SlackMessagePostedV1>(Subjects.SlackMessagePosted, forKey(key));
    await send({ channel: '#hot-leads', text: 'Hot lead!', reference: 'r1' }, key);

    const [message] = await h.fake.waitForMessages(1);
    expect(message.kind).toBe('web_api');
    expect(message.text).toBe('Hot lead!');
    expect(message.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'Hot lead!' } }]);
    expect(h.fake.received[0].headers.authorization).toBe('Bearer xoxb-test-token');

    const [event] = await waitFor(async () => posted.length > 0 && posted, { message: 'posted' });
    expect(event.data).toMatchObject({ channel: '#hot-leads', ts: message.ts, attempts: 1 });
    expect(await h.messageLog(key)).toMatchObject({ status: 'sent', mode: 'bot', vendor_ts: message.ts });
  });

  it('sends channels listed in SLACK_WEBHOOK_CHANNELS to the webhook', async () => {
    const key = `key-${randomUUID()}`;
    await send({ channel: '#alerts', text: 'Webhook alert' }, key);
    const [message] = await h.fake.waitForMessages(1);
    expect(message.kind).toBe('webhook');
    await waitFor(async () => (await h.messageLog(key))?.status === 'sent');
    expect(await h.messageLog(key)).toMatchObject({ mode: 'webhook' });
  });

  it('honours a Web API 429 Retry-After', async () => {
    const key = `key-${randomUUID()}`;
    const posted = h.nats.collect<SlackMessagePostedV1>(Subjects.SlackMessagePosted, forKey(key));
    h.fake.fail({ kind: 'rate_limit', retryAfterSeconds: 1, times: 1 }, { path: '/api/chat.postMessage' });
    await send({ channel: '#hot-leads', text: 'Slow down' }, key);

    const [event] = await waitFor(async () => posted.length > 0 && posted, { message: 'posted' });
    expect(event.data.attempts).toBe(2);
    expect(h.fake.received.map((r) => r.status)).toEqual([429, 200]);
    expect(h.fake.received[1].at.getTime() - h.fake.received[0].at.getTime()).toBeGreaterThanOrEqual(950);
  });

  it('fails at once on ok:false channel_not_found', async () => {
    const key = `key-${randomUUID()}`;
    const failed = h.nats.collect<SlackMessageFailedV1>(Subjects.SlackMessageFailed, forKey(key));
    await send({ channel: '#nowhere', text: 'Lost' }, key);

    const [event] = await waitFor(async () => failed.length > 0 && failed, { message: 'failed' });
    expect(event.data.error).toEqual({
      code: 'channel_not_found',
      message: expect.stringContaining('channel_not_found'),
      retryable: false,
      vendor_status: 200,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.fake.received).toHaveLength(1);
  });
});
