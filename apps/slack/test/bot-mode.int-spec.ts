import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  Subjects,
  type SlackMessageFailedV1,
  type SlackMessagePostedV1,
  type SlackPostMessageV1,
} from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { injectMessageLogFault } from './support/message-log-faults';
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

  describe('a post whose outcome was not recorded', () => {
    const calls = (method: string) => h.fake.received.filter((r) => r.path === `/api/${method}`);

    it('a database failure after Slack accepted the post: the redelivery finds the message by its metadata and does not re-post', async () => {
      const key = `key-${randomUUID()}`;
      const posted = h.nats.collect<SlackMessagePostedV1>(Subjects.SlackMessagePosted, forKey(key));
      await injectMessageLogFault(h.db.url, { key, status: 'sent', times: 1 });
      await send({ channel: '#hot-leads', text: 'Hot lead!', reference: 'r1' }, key);

      const [event] = await waitFor(async () => posted.length > 0 && posted, { message: 'posted' });
      // Time for a second post to show up if the redelivery made one.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(h.fake.deliveredMessages()).toHaveLength(1);
      expect(calls('chat.postMessage')).toHaveLength(1);
      const [message] = h.fake.deliveredMessages();
      expect(message.metadata).toEqual({
        event_type: 'crm_message',
        event_payload: { idempotency_key: key },
      });
      expect(event.data).toEqual({
        idempotency_key: key,
        reference: 'r1',
        channel: '#hot-leads',
        ts: message.ts,
        attempts: 2,
      });
      expect(calls('conversations.history')[0].body).toMatchObject({
        channel: message.channel,
        include_all_metadata: 'true',
      });
      expect(posted).toHaveLength(1);
      expect(await h.messageLog(key)).toMatchObject({ status: 'sent', vendor_ts: message.ts, attempts: 1 });
    });

    it('a message left `sending` that Slack never received is posted once after the lookup finds nothing', async () => {
      const key = `key-${randomUUID()}`;
      const posted = h.nats.collect<SlackMessagePostedV1>(Subjects.SlackMessagePosted, forKey(key));
      // As if an earlier command had recorded its attempt and the process died before calling Slack.
      const client = new Client({ connectionString: h.db.url });
      await client.connect();
      await client
        .query(
          `INSERT INTO slack.message_log (idempotency_key, channel, mode, status, attempts, attempt_started_at)
           VALUES ($1, '#hot-leads', 'bot', 'sending', 1, now() - interval '1 minute')`,
          [key],
        )
        .finally(() => client.end());

      await send({ channel: '#hot-leads', text: 'Second chance' }, key);
      const [event] = await waitFor(async () => posted.length > 0 && posted, { message: 'posted' });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(h.fake.received.map((r) => r.path)).toEqual([
        '/api/conversations.list',
        '/api/conversations.history',
        '/api/chat.postMessage',
      ]);
      expect(h.fake.deliveredMessages()).toHaveLength(1);
      expect(event.data).toMatchObject({ ts: h.fake.deliveredMessages()[0].ts, attempts: 1 });
      expect(await h.messageLog(key)).toMatchObject({ status: 'sent', attempts: 2 });
    });
  });
});
