import { randomUUID } from 'node:crypto';
import {
  SlackFailureCodes,
  Subjects,
  type SlackMessageFailedV1,
  type SlackMessagePostedV1,
  type SlackPostMessageV1,
} from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { injectMessageLogFault } from './support/message-log-faults';
import { SlackHarness } from './support/slack-harness';

describe('slack service: post-message commands (webhook mode, real NATS + Postgres, fake Slack)', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await SlackHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => h.fake.reset());

  function command(overrides: Partial<SlackPostMessageV1> = {}): SlackPostMessageV1 {
    return {
      channel: '#hot-leads',
      text: 'Deal *Acme* moved to Qualified',
      reference: randomUUID(),
      ...overrides,
    };
  }

  async function send(
    data: SlackPostMessageV1,
    key: string,
    options: { id?: string; dedupe?: boolean } = {},
  ) {
    const envelope = h.nats.envelope(Subjects.SlackPostMessage, data, {
      idempotencyKey: key,
      id: options.id,
    });
    await h.nats.publish(Subjects.SlackPostMessage, envelope, { dedupe: options.dedupe });
    return envelope;
  }

  /** Results for one key only: a late result of an earlier test must not count. */
  const forKey = (key: string) => (e: { data: { idempotency_key: string } }) =>
    e.data.idempotency_key === key;

  it('posts one command as one message with blocks and text, and emits SlackMessagePosted', async () => {
    const key = `key-${randomUUID()}`;
    const posted = h.nats.collect<SlackMessagePostedV1>(Subjects.SlackMessagePosted, forKey(key));
    const data = command();
    await send(data, key);

    const [message] = await h.fake.waitForMessages(1);
    expect(message.kind).toBe('webhook');
    expect(message.text).toBe(data.text);
    expect(message.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: data.text } }]);
    expect(message.body.unfurl_links).toBe(false);

    const [event] = await waitFor(async () => posted.length > 0 && posted, { message: 'SlackMessagePosted' });
    expect(event.data).toEqual({
      idempotency_key: key,
      reference: data.reference,
      channel: '#hot-leads',
      ts: null,
      attempts: 1,
    });
    const row = await h.messageLog(key);
    expect(row).toMatchObject({
      status: 'sent',
      attempts: 1,
      channel: '#hot-leads',
      mode: 'webhook',
      vendor_status: 200,
    });
    expect(row!.sent_at).toBeInstanceOf(Date);
    // The log never holds the message or the webhook URL.
    expect(JSON.stringify(row)).not.toContain('Acme');
    expect(JSON.stringify(row)).not.toContain('/services/');
  });

  it('sends blocks given by the command as they are, with the text as fallback', async () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'Deal moved' } },
      { type: 'section', fields: [{ type: 'mrkdwn', text: '*Stage*\nQualified' }] },
    ];
    await send(command({ blocks, text: 'Deal moved to Qualified' }), `key-${randomUUID()}`);
    const [message] = await h.fake.waitForMessages(1);
    expect(message.blocks).toEqual(blocks);
    expect(message.text).toBe('Deal moved to Qualified');
  });

  it('posts once when the same command (same envelope id) is delivered twice', async () => {
    const key = `key-${randomUUID()}`;
    const posted = h.nats.collect<SlackMessagePostedV1>(Subjects.SlackMessagePosted, forKey(key));
    const id = randomUUID();
    await send(command(), key, { id, dedupe: false });
    await send(command(), key, { id, dedupe: false });

    await h.fake.waitForMessages(1);
    await waitFor(async () => posted.length >= 1);
    // Give a duplicate time to show up if the inbox failed.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(h.fake.received).toHaveLength(1);
    expect(posted).toHaveLength(1);
  });

  it('posts once for two commands with the same idempotency key and answers both with SlackMessagePosted', async () => {
    const key = `key-${randomUUID()}`;
    const posted = h.nats.collect<SlackMessagePostedV1>(Subjects.SlackMessagePosted, forKey(key));
    const first = command();
    const second = command();
    await Promise.all([send(first, key), send(second, key)]);

    await waitFor(async () => posted.length >= 2, { message: 'two SlackMessagePosted events' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.fake.received).toHaveLength(1);
    expect(h.fake.deliveredMessages()).toHaveLength(1);
    expect(posted.map((e) => e.data.reference).sort()).toEqual([first.reference, second.reference].sort());
    expect(posted.every((e) => e.data.idempotency_key === key)).toBe(true);
  });

  it('honours 429 Retry-After: one message after the wait, posted with attempts 2', async () => {
    const key = `key-${randomUUID()}`;
    const posted = h.nats.collect<SlackMessagePostedV1>(Subjects.SlackMessagePosted, forKey(key));
    h.fake.fail({ kind: 'rate_limit', retryAfterSeconds: 1, times: 1 });
    await send(command(), key);

    const [event] = await waitFor(async () => posted.length > 0 && posted, { message: 'SlackMessagePosted' });
    expect(event.data.attempts).toBe(2);
    expect(h.fake.received.map((r) => r.status)).toEqual([429, 200]);
    expect(h.fake.deliveredMessages()).toHaveLength(1);
    // The backoff is scaled down to milliseconds, but Slack's Retry-After is not.
    const waited = h.fake.received[1].at.getTime() - h.fake.received[0].at.getTime();
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(await h.messageLog(key)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('retries a 500 until max deliver, then reports a retryable failure with the vendor status', async () => {
    const key = `key-${randomUUID()}`;
    const failed = h.nats.collect<SlackMessageFailedV1>(Subjects.SlackMessageFailed, forKey(key));
    const posted = h.nats.collect<SlackMessagePostedV1>(Subjects.SlackMessagePosted, forKey(key));
    h.fake.fail({ kind: 'server_error', status: 500 });
    const data = command();
    await send(data, key);

    const [event] = await waitFor(async () => failed.length > 0 && failed, {
      message: 'SlackMessageFailed',
      timeoutMs: 30_000,
    });
    expect(event.data).toEqual({
      idempotency_key: key,
      reference: data.reference,
      channel: '#hot-leads',
      error: {
        code: 'rollup_error',
        message: expect.stringContaining('HTTP 500'),
        retryable: true,
        vendor_status: 500,
      },
      attempts: 5,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.fake.received).toHaveLength(5);
    expect(h.fake.received.every((r) => r.status === 500)).toBe(true);
    expect(posted).toHaveLength(0);
    expect(await h.messageLog(key)).toMatchObject({
      status: 'failed',
      attempts: 5,
      error_code: 'rollup_error',
      vendor_status: 500,
      retryable: true,
    });
  });

  it('tries again when a new command arrives for a key whose earlier command failed', async () => {
    const key = `key-${randomUUID()}`;
    const failed = h.nats.collect<SlackMessageFailedV1>(Subjects.SlackMessageFailed, forKey(key));
    const posted = h.nats.collect<SlackMessagePostedV1>(Subjects.SlackMessagePosted, forKey(key));
    h.fake.fail({ kind: 'server_error', status: 500 });
    await send(command(), key);
    await waitFor(async () => failed.length > 0, { timeoutMs: 30_000, message: 'first command failed' });

    h.fake.heal();
    await send(command(), key);
    const [event] = await waitFor(async () => posted.length > 0 && posted, { message: 'retry posted' });
    expect(event.data.attempts).toBe(1);
    expect(h.fake.deliveredMessages()).toHaveLength(1);
    expect(h.fake.received).toHaveLength(6);
    expect(await h.messageLog(key)).toMatchObject({ status: 'sent', attempts: 6, error_code: null });
  });

  it('fails at once on 404 channel_not_found, not retryable, after exactly one request', async () => {
    const key = `key-${randomUUID()}`;
    const failed = h.nats.collect<SlackMessageFailedV1>(Subjects.SlackMessageFailed, forKey(key));
    h.fake.fail({ kind: 'client_error', status: 404, body: 'channel_not_found' });
    await send(command(), key);

    const [event] = await waitFor(async () => failed.length > 0 && failed, { message: 'SlackMessageFailed' });
    expect(event.data.error).toEqual({
      code: 'channel_not_found',
      message: expect.stringContaining('HTTP 404'),
      retryable: false,
      vendor_status: 404,
    });
    expect(event.data.attempts).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.fake.received).toHaveLength(1);
    expect(await h.messageLog(key)).toMatchObject({
      status: 'failed',
      error_code: 'channel_not_found',
      retryable: false,
    });
  });

  it('re-emits the result without posting when a command arrives for a key already sent', async () => {
    const key = `key-${randomUUID()}`;
    const posted = h.nats.collect<SlackMessagePostedV1>(Subjects.SlackMessagePosted, forKey(key));
    await send(command(), key);
    await waitFor(async () => posted.length >= 1);
    const later = command();
    await send(later, key);
    await waitFor(async () => posted.length >= 2, { message: 're-emitted result' });
    expect(posted[1].data).toMatchObject({
      idempotency_key: key,
      reference: later.reference,
      channel: '#hot-leads',
    });
    expect(h.fake.received).toHaveLength(1);
  });

  it('a database failure after Slack accepted the post: no second message, the outcome is reported unknown', async () => {
    const key = `key-${randomUUID()}`;
    const failed = h.nats.collect<SlackMessageFailedV1>(Subjects.SlackMessageFailed, forKey(key));
    const posted = h.nats.collect<SlackMessagePostedV1>(Subjects.SlackMessagePosted, forKey(key));
    await injectMessageLogFault(h.db.url, { key, status: 'sent', times: 1 });
    const data = command();
    await send(data, key);

    await waitFor(async () => failed.length + posted.length > 0, { message: 'a result' });
    // Time for a second post or result to show up if the redelivery made one.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(h.fake.deliveredMessages()).toHaveLength(1);
    expect(h.fake.received).toHaveLength(1);
    expect(posted).toHaveLength(0);
    expect(failed.map((e) => e.data)).toEqual([
      {
        idempotency_key: key,
        reference: data.reference,
        channel: '#hot-leads',
        error: {
          code: SlackFailureCodes.OutcomeUnknown,
          message: expect.stringContaining('may have been posted'),
          retryable: false,
          vendor_status: null,
        },
        attempts: 2,
      },
    ]);
    expect(await h.messageLog(key)).toMatchObject({
      status: 'failed',
      error_code: SlackFailureCodes.OutcomeUnknown,
      attempts: 1,
      retryable: false,
    });
  });

  it('a command that keeps failing is dead-lettered and reported as slack.message.failed.v1', async () => {
    const key = `key-${randomUUID()}`;
    const failed = h.nats.collect<SlackMessageFailedV1>(Subjects.SlackMessageFailed, forKey(key));
    // Every write for this channel fails, so no delivery of the command can commit.
    await injectMessageLogFault(h.db.url, { channel: '#doomed' });
    const data = command({ channel: '#doomed' });
    await send(data, key);

    const [event] = await waitFor(async () => failed.length > 0 && failed, {
      message: 'SlackMessageFailed from the dead-letter path',
      timeoutMs: 30_000,
    });
    expect(event.data).toEqual({
      idempotency_key: key,
      reference: data.reference,
      channel: '#doomed',
      error: {
        code: SlackFailureCodes.DeadLettered,
        message: expect.stringContaining('max_deliver_exceeded'),
        retryable: true,
        vendor_status: null,
      },
      attempts: 5,
    });
    expect(event.data.error.message).toContain('test fault');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(failed).toHaveLength(1);
    // The attempt is recorded before Slack is called, and that failed every time: Slack was never called.
    expect(h.fake.received).toHaveLength(0);
  });
});
