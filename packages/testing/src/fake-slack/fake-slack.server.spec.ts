import { ErrorCode as WebApiErrorCode, LogLevel, WebClient } from '@slack/web-api';
import { IncomingWebhook } from '@slack/webhook';
import { freePort } from '../process/free-port';
import { FakeSlackServer } from './fake-slack.server';
import { FAKE_SLACK_IDENTITY } from './web-api-handler';

const WEBHOOK_PATH = '/services/T000/B000/XXXX';
const OTHER_WEBHOOK_PATH = '/services/T000/B111/YYYY';
const TS_FORMAT = /^\d{10}\.\d{6}$/;
const BLOCKS = [
  { type: 'header', text: { type: 'plain_text', text: 'Hot lead' } },
  { type: 'section', text: { type: 'mrkdwn', text: '*Jane Doe* scored 92' } },
];

/** Rejection of a promise, for asserting on SDK error objects. */
async function rejectionOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  throw new Error('expected the promise to reject');
}

describe('FakeSlackServer', () => {
  let fake: FakeSlackServer;

  /** Client settings recommended in external-apis.md 5 for tests: no retries, reject 429 immediately. */
  const webClient = (token?: string): WebClient =>
    new WebClient(token, {
      slackApiUrl: `${fake.url}/api/`,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logLevel: LogLevel.ERROR,
    });
  const postJson = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    fake = await FakeSlackServer.start();
  });
  afterEach(() => {
    fake.reset();
    fake.configure({ validTokens: undefined, knownChannels: undefined });
  });
  afterAll(async () => {
    await fake.close();
  });

  describe('server lifecycle', () => {
    it('listens on 127.0.0.1 and builds webhook URLs from the base URL', () => {
      expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(fake.webhookUrl()).toBe(`${fake.url}/services/T000/B000/XXXX`);
      expect(fake.webhookUrl('/services/T1/B2/Z3')).toBe(`${fake.url}/services/T1/B2/Z3`);
    });

    it('starts on a given port and close() is idempotent', async () => {
      const port = await freePort();
      const other = await FakeSlackServer.start({ port });
      expect(other.url).toBe(`http://127.0.0.1:${port}`);
      const res = await fetch(other.webhookUrl(), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: 'x' }),
      });
      expect(res.status).toBe(200);
      // Each instance has its own record.
      expect(other.received).toHaveLength(1);
      expect(fake.received).toHaveLength(0);
      await other.close();
      await other.close();
      await expect(fetch(`${other.url}${WEBHOOK_PATH}`, { method: 'POST' })).rejects.toThrow();
    });
  });

  describe('incoming webhooks', () => {
    it('accepts a message from @slack/webhook with 200 plain-text "ok" and records it', async () => {
      const webhook = new IncomingWebhook(fake.webhookUrl());
      const payload = { text: 'New hot lead', blocks: BLOCKS, unfurl_links: false };

      await expect(webhook.send(payload)).resolves.toEqual({ text: 'ok' });

      expect(fake.received).toHaveLength(1);
      const [request] = fake.received;
      expect(request).toMatchObject({
        method: 'POST',
        path: WEBHOOK_PATH,
        kind: 'webhook',
        status: 200,
        response: 'ok',
        body: payload,
      });
      expect(request.at).toBeInstanceOf(Date);
      expect(request.headers['content-type']).toBe('application/json');
      expect(fake.deliveredMessages()).toEqual([
        {
          kind: 'webhook',
          path: WEBHOOK_PATH,
          text: 'New hot lead',
          blocks: BLOCKS,
          attachments: undefined,
          body: payload,
          at: request.at,
        },
      ]);
    });

    it('answers with a plain-text body, not JSON', async () => {
      const res = await postJson(WEBHOOK_PATH, { text: 'hi' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe('ok');
    });

    it('accepts attachments-only and blocks-only messages', async () => {
      expect((await postJson(WEBHOOK_PATH, { attachments: [{ fallback: 'f', text: 't' }] })).status).toBe(
        200,
      );
      expect((await postJson(WEBHOOK_PATH, { blocks: BLOCKS })).status).toBe(200);
      expect(fake.deliveredMessages()).toHaveLength(2);
    });

    it.each([
      ['no text, blocks or attachments', { unfurl_links: false }],
      ['empty text and empty blocks', { text: '', blocks: [] }],
    ])('rejects %s with 400 missing_text_or_fallback_or_attachments', async (_label, body) => {
      const res = await postJson(WEBHOOK_PATH, body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe('missing_text_or_fallback_or_attachments');
      expect(fake.received[0]).toMatchObject({
        status: 400,
        body,
        response: 'missing_text_or_fallback_or_attachments',
      });
      expect(fake.deliveredMessages()).toEqual([]);
    });

    it('rejects invalid JSON and non-JSON content types with 400 invalid_payload', async () => {
      const broken = await fetch(fake.webhookUrl(), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"text": ',
      });
      expect(broken.status).toBe(400);
      expect(await broken.text()).toBe('invalid_payload');

      const form = await fetch(fake.webhookUrl(), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'text=hi',
      });
      expect(form.status).toBe(400);
      expect(await form.text()).toBe('invalid_payload');

      expect(fake.received.map((r) => [r.status, r.body, r.rawBody])).toEqual([
        [400, null, '{"text": '],
        [400, null, 'text=hi'],
      ]);
    });

    it('answers 404 no_service for URLs that are not webhook paths', async () => {
      const res = await postJson('/services/T000/B000', { text: 'hi' });
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('no_service');
    });

    it('rate_limit mode: 429 with Retry-After and plain-text rate_limited; @slack/webhook fails without retrying', async () => {
      fake.fail({ kind: 'rate_limit', retryAfterSeconds: 7 });

      const res = await postJson(WEBHOOK_PATH, { text: 'hi' });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe('rate_limited');

      // Even with retries configured, IncomingWebhook treats 429 as final (external-apis.md 5).
      const webhook = new IncomingWebhook(fake.webhookUrl(), { retryConfig: { retries: 3, minTimeout: 1 } });
      const err = await rejectionOf(webhook.send({ text: 'hi' }));
      expect(err).toMatchObject({ code: 'slack_webhook_http_error', statusCode: 429, body: 'rate_limited' });
      expect(fake.received.map((r) => r.status)).toEqual([429, 429]);
      expect(fake.deliveredMessages()).toEqual([]);
    });

    it('server_error mode: 500 rollup_error as plain text, and a chosen 5xx status', async () => {
      fake.fail({ kind: 'server_error' });
      const webhook = new IncomingWebhook(fake.webhookUrl());
      const err = await rejectionOf(webhook.send({ text: 'hi' }));
      expect(err).toMatchObject({ code: 'slack_webhook_http_error', statusCode: 500, body: 'rollup_error' });

      fake.fail({ kind: 'server_error', status: 503 });
      const res = await postJson(WEBHOOK_PATH, { text: 'hi' });
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe('rollup_error');
    });

    it.each([
      [400, 'user_not_found'],
      [403, 'action_prohibited'],
      [404, 'channel_not_found'],
      [404, 'no_service'],
      [410, 'channel_is_archived'],
    ] as const)('client_error mode %i answers plain text %s', async (status, code) => {
      fake.fail({ kind: 'client_error', status, body: code });

      const res = await postJson(WEBHOOK_PATH, { text: 'hi' });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe(code);

      const err = await rejectionOf(new IncomingWebhook(fake.webhookUrl()).send({ text: 'hi' }));
      expect(err).toMatchObject({ statusCode: status, body: code });
      expect(fake.received.map((r) => [r.status, r.response])).toEqual([
        [status, code],
        [status, code],
      ]);
    });

    it('heals itself after `times` requests: @slack/webhook retries 5xx until it succeeds', async () => {
      fake.fail({ kind: 'server_error', times: 2 });
      const webhook = new IncomingWebhook(fake.webhookUrl(), {
        retryConfig: { retries: 2, minTimeout: 1, maxTimeout: 1 },
      });

      await expect(webhook.send({ text: 'third time lucky' })).resolves.toEqual({ text: 'ok' });

      expect(fake.received.map((r) => [r.status, r.response])).toEqual([
        [500, 'rollup_error'],
        [500, 'rollup_error'],
        [200, 'ok'],
      ]);
      expect(fake.deliveredMessages().map((m) => m.text)).toEqual(['third time lucky']);
    });

    it('rate_limit with times: 1 answers one 429, then healthy again', async () => {
      fake.fail({ kind: 'rate_limit', retryAfterSeconds: 1, times: 1 });
      expect((await postJson(WEBHOOK_PATH, { text: 'a' })).status).toBe(429);
      expect((await postJson(WEBHOOK_PATH, { text: 'b' })).status).toBe(200);
      expect((await postJson(WEBHOOK_PATH, { text: 'c' })).status).toBe(200);
    });

    it('scopes modes to a path; a path-scoped mode wins over the global one; heal() by path or all', async () => {
      fake.fail(
        { kind: 'client_error', status: 410, body: 'channel_is_archived' },
        { path: OTHER_WEBHOOK_PATH },
      );
      expect((await postJson(WEBHOOK_PATH, { text: 'a' })).status).toBe(200);
      expect((await postJson(OTHER_WEBHOOK_PATH, { text: 'a' })).status).toBe(410);

      fake.fail({ kind: 'server_error' });
      expect((await postJson(WEBHOOK_PATH, { text: 'a' })).status).toBe(500);
      expect((await postJson(OTHER_WEBHOOK_PATH, { text: 'a' })).status).toBe(410);

      // A full URL is accepted as the scope too.
      fake.heal({ path: fake.webhookUrl(OTHER_WEBHOOK_PATH) });
      expect((await postJson(OTHER_WEBHOOK_PATH, { text: 'a' })).status).toBe(500);

      fake.heal();
      expect((await postJson(WEBHOOK_PATH, { text: 'a' })).status).toBe(200);
      expect((await postJson(OTHER_WEBHOOK_PATH, { text: 'a' })).status).toBe(200);
    });

    it('slow_reply mode: the message is delivered at once, only the answer waits', async () => {
      fake.fail({ kind: 'slow_reply', delayMs: 1_000, times: 1 });
      const answered = postJson(WEBHOOK_PATH, { text: 'held' }).then((r) => ({
        status: r.status,
        at: Date.now(),
      }));
      const [message] = await fake.waitForMessages(1);
      expect(message.text).toBe('held');
      const { status, at } = await answered;
      expect(status).toBe(200);
      // The answer can only come after the delay, counted from the delivery (the timer may fire a little early).
      expect(at - message.at.getTime()).toBeGreaterThanOrEqual(950);
    });

    it('records failed requests with their parsed body', async () => {
      fake.fail({ kind: 'rate_limit', retryAfterSeconds: 2 });
      await postJson(WEBHOOK_PATH, { text: 'hi', blocks: BLOCKS });
      expect(fake.received).toEqual([
        expect.objectContaining({
          path: WEBHOOK_PATH,
          kind: 'webhook',
          status: 429,
          response: 'rate_limited',
          body: { text: 'hi', blocks: BLOCKS },
        }),
      ]);
      expect(fake.received[0].delivered).toBeUndefined();
    });
  });

  describe('Web API chat.postMessage', () => {
    it('accepts the form-encoded body @slack/web-api sends and records the decoded blocks', async () => {
      const result = await webClient('xoxb-test').chat.postMessage({
        channel: 'C0123456789',
        text: 'New hot lead',
        blocks: BLOCKS,
        unfurl_links: false,
      });

      expect(result).toMatchObject({
        ok: true,
        channel: 'C0123456789',
        message: { text: 'New hot lead', blocks: BLOCKS, bot_id: FAKE_SLACK_IDENTITY.bot_id },
      });
      expect(result.ts).toMatch(TS_FORMAT);
      expect(result.message?.ts).toBe(result.ts);

      const [request] = fake.received;
      expect(request).toMatchObject({
        method: 'POST',
        path: '/api/chat.postMessage',
        kind: 'web_api',
        status: 200,
      });
      expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(request.headers.authorization).toBe('Bearer xoxb-test');
      // On the wire, blocks is a JSON string inside the form...
      expect(new URLSearchParams(request.rawBody).get('blocks')).toBe(JSON.stringify(BLOCKS));
      // ...and the recorded body has it decoded; scalar form fields stay strings.
      expect(request.body).toEqual({
        channel: 'C0123456789',
        text: 'New hot lead',
        blocks: BLOCKS,
        unfurl_links: 'false',
      });
      expect(fake.deliveredMessages()).toEqual([
        {
          kind: 'web_api',
          path: '/api/chat.postMessage',
          channel: 'C0123456789',
          ts: result.ts,
          text: 'New hot lead',
          blocks: BLOCKS,
          attachments: undefined,
          body: request.body,
          at: request.at,
        },
      ]);
    });

    it('accepts a JSON body as well', async () => {
      const res = await postJson(
        '/api/chat.postMessage',
        { channel: 'C0123456789', blocks: BLOCKS },
        { Authorization: 'Bearer xoxb-json' },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const json = (await res.json()) as Record<string, unknown>;
      expect(json).toMatchObject({ ok: true, channel: 'C0123456789', message: { text: '', blocks: BLOCKS } });
      expect(fake.received[0].body).toEqual({ channel: 'C0123456789', blocks: BLOCKS });
    });

    it('issues unique, strictly increasing ts values', async () => {
      const client = webClient('xoxb-test');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          client.chat.postMessage({ channel: 'C0123456789', text: `m${i}` }),
        ),
      );
      const tsInArrivalOrder = fake.deliveredMessages().map((m) => m.ts as string);
      expect(tsInArrivalOrder).toHaveLength(20);
      expect(new Set(tsInArrivalOrder).size).toBe(20);
      for (let i = 1; i < tsInArrivalOrder.length; i++) {
        expect(Number(tsInArrivalOrder[i])).toBeGreaterThan(Number(tsInArrivalOrder[i - 1]));
      }
      expect(results.map((r) => r.ts).sort()).toEqual([...tsInArrivalOrder].sort());
    });

    it('maps channel names to a stable C… ID', async () => {
      const client = webClient('xoxb-test');
      const a = await client.chat.postMessage({ channel: '#hot-leads', text: 'a' });
      const b = await client.chat.postMessage({ channel: 'hot-leads', text: 'b' });
      expect(a.channel).toMatch(/^C[0-9A-F]{10}$/);
      expect(b.channel).toBe(a.channel);
    });

    it('answers 200 {ok:false,error:"channel_not_found"} for channels outside knownChannels', async () => {
      fake.configure({ knownChannels: ['C0123456789', '#hot-leads'] });
      const client = webClient('xoxb-test');

      const err = await rejectionOf(client.chat.postMessage({ channel: '#general', text: 'hi' }));
      expect(err).toMatchObject({
        code: WebApiErrorCode.PlatformError,
        data: { ok: false, error: 'channel_not_found' },
      });
      await expect(client.chat.postMessage({ channel: 'hot-leads', text: 'hi' })).resolves.toMatchObject({
        ok: true,
      });
      await expect(client.chat.postMessage({ channel: 'C0123456789', text: 'hi' })).resolves.toMatchObject({
        ok: true,
      });

      const raw = await postJson(
        '/api/chat.postMessage',
        { channel: 'C999', text: 'hi' },
        { Authorization: 'Bearer xoxb-t' },
      );
      expect(raw.status).toBe(200);
      expect(await raw.json()).toEqual({ ok: false, error: 'channel_not_found' });
      expect(fake.received.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(fake.deliveredMessages()).toHaveLength(2);
    });

    it('answers channel_not_found when channel is missing', async () => {
      const err = await rejectionOf(webClient('xoxb-test').apiCall('chat.postMessage', { text: 'hi' }));
      expect(err).toMatchObject({ data: { ok: false, error: 'channel_not_found' } });
    });

    it('answers no_text when neither text nor blocks nor attachments are given', async () => {
      const err = await rejectionOf(
        webClient('xoxb-test').apiCall('chat.postMessage', { channel: 'C0123456789' }),
      );
      expect(err).toMatchObject({
        code: WebApiErrorCode.PlatformError,
        data: { ok: false, error: 'no_text' },
      });
      expect(fake.deliveredMessages()).toEqual([]);
    });

    it('answers not_authed without an Authorization header', async () => {
      const raw = await postJson('/api/chat.postMessage', { channel: 'C0123456789', text: 'hi' });
      expect(raw.status).toBe(200);
      expect(await raw.json()).toEqual({ ok: false, error: 'not_authed' });

      const err = await rejectionOf(webClient().chat.postMessage({ channel: 'C0123456789', text: 'hi' }));
      expect(err).toMatchObject({
        code: WebApiErrorCode.PlatformError,
        data: { ok: false, error: 'not_authed' },
      });
    });

    it('answers invalid_auth for tokens that are not accepted', async () => {
      const userToken = await rejectionOf(
        webClient('xoxp-user').chat.postMessage({ channel: 'C0123456789', text: 'hi' }),
      );
      expect(userToken).toMatchObject({ data: { ok: false, error: 'invalid_auth' } });

      fake.configure({ validTokens: ['xoxb-good'] });
      const other = await rejectionOf(
        webClient('xoxb-other').chat.postMessage({ channel: 'C0123456789', text: 'hi' }),
      );
      expect(other).toMatchObject({ data: { ok: false, error: 'invalid_auth' } });
      await expect(
        webClient('xoxb-good').chat.postMessage({ channel: 'C0123456789', text: 'hi' }),
      ).resolves.toMatchObject({ ok: true });
      expect(fake.received.map((r) => r.status)).toEqual([200, 200, 200]);
    });

    it('rate_limit mode: 429 with Retry-After and {"ok":false,"error":"ratelimited"}', async () => {
      fake.fail({ kind: 'rate_limit', retryAfterSeconds: 3 }, { path: '/api/chat.postMessage' });

      const err = await rejectionOf(
        webClient('xoxb-test').chat.postMessage({ channel: 'C0123456789', text: 'hi' }),
      );
      expect(err).toMatchObject({ code: WebApiErrorCode.RateLimitedError, retryAfter: 3 });

      const raw = await postJson(
        '/api/chat.postMessage',
        { channel: 'C0123456789', text: 'hi' },
        { Authorization: 'Bearer xoxb-t' },
      );
      expect(raw.status).toBe(429);
      expect(raw.headers.get('retry-after')).toBe('3');
      expect(raw.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await raw.json()).toEqual({ ok: false, error: 'ratelimited' });

      // The recorded request still carries the decoded form body.
      expect(fake.received[0]).toMatchObject({ status: 429, body: { channel: 'C0123456789', text: 'hi' } });
      expect(fake.deliveredMessages()).toEqual([]);
    });

    it('server_error mode becomes slack_webapi_http_error', async () => {
      fake.fail({ kind: 'server_error', status: 503, times: 1 });
      const err = await rejectionOf(
        webClient('xoxb-test').chat.postMessage({ channel: 'C0123456789', text: 'hi' }),
      );
      expect(err).toMatchObject({
        code: WebApiErrorCode.HTTPError,
        statusCode: 503,
        body: { ok: false, error: 'internal_error' },
      });
      await expect(
        webClient('xoxb-test').chat.postMessage({ channel: 'C0123456789', text: 'hi' }),
      ).resolves.toMatchObject({ ok: true });
    });

    it('client_error mode becomes HTTP 200 {ok:false,error} on the Web API', async () => {
      fake.fail(
        { kind: 'client_error', status: 410, body: 'is_archived' },
        { path: '/api/chat.postMessage' },
      );
      const raw = await postJson(
        '/api/chat.postMessage',
        { channel: 'C0123456789', text: 'hi' },
        { Authorization: 'Bearer xoxb-t' },
      );
      expect(raw.status).toBe(200);
      expect(await raw.json()).toEqual({ ok: false, error: 'is_archived' });
    });

    it('rejects malformed bodies with Slack error codes', async () => {
      const auth = { Authorization: 'Bearer xoxb-t' };
      const badJson = await fetch(`${fake.url}/api/chat.postMessage`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...auth },
        body: '{',
      });
      expect(await badJson.json()).toEqual({ ok: false, error: 'invalid_json' });

      const badBlocks = await fetch(`${fake.url}/api/chat.postMessage`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...auth },
        body: 'channel=C0123456789&blocks=%5Bnot-json',
      });
      expect(await badBlocks.json()).toEqual({ ok: false, error: 'invalid_blocks' });
    });
  });

  describe('Web API message metadata, conversations.history and conversations.list', () => {
    const METADATA = { event_type: 'crm_message', event_payload: { idempotency_key: 'key-1' } };

    it('stores chat.postMessage metadata (a JSON string in the form) and echoes it in the message', async () => {
      const result = await webClient('xoxb-test').chat.postMessage({
        channel: 'C0123456789',
        text: 'with metadata',
        metadata: METADATA,
      });
      expect(new URLSearchParams(fake.received[0].rawBody).get('metadata')).toBe(JSON.stringify(METADATA));
      expect(result.message).toMatchObject({ metadata: METADATA });
      expect(fake.deliveredMessages()[0].metadata).toEqual(METADATA);
    });

    it('rejects malformed metadata with invalid_metadata_format and posts nothing', async () => {
      const auth = { Authorization: 'Bearer xoxb-t' };
      const notJson = await fetch(`${fake.url}/api/chat.postMessage`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...auth },
        body: 'channel=C0123456789&text=hi&metadata=%7Bnot-json',
      });
      expect(await notJson.json()).toEqual({ ok: false, error: 'invalid_metadata_format' });
      const noType = await postJson(
        '/api/chat.postMessage',
        { channel: 'C0123456789', text: 'hi', metadata: { event_payload: {} } },
        auth,
      );
      expect(await noType.json()).toEqual({ ok: false, error: 'invalid_metadata_format' });
      expect(fake.deliveredMessages()).toEqual([]);
    });

    it('returns a channel history newest first, with metadata only when include_all_metadata is set', async () => {
      const client = webClient('xoxb-test');
      const first = await client.chat.postMessage({ channel: '#hot-leads', text: 'one', metadata: METADATA });
      const second = await client.chat.postMessage({ channel: '#hot-leads', text: 'two' });
      await client.chat.postMessage({ channel: '#elsewhere', text: 'other channel' });

      const plain = await client.conversations.history({ channel: first.channel! });
      expect(plain.messages?.map((m) => [m.ts, m.text])).toEqual([
        [second.ts, 'two'],
        [first.ts, 'one'],
      ]);
      expect(plain.messages?.[1]).not.toHaveProperty('metadata');
      expect(plain.has_more).toBe(false);

      const full = await client.conversations.history({
        channel: first.channel!,
        include_all_metadata: true,
      });
      expect(full.messages?.[1]).toMatchObject({
        ts: first.ts,
        metadata: METADATA,
        bot_id: FAKE_SLACK_IDENTITY.bot_id,
      });
    });

    it('needs a conversation ID: a channel name or an unknown channel is channel_not_found', async () => {
      const client = webClient('xoxb-test');
      await client.chat.postMessage({ channel: '#hot-leads', text: 'x' });
      const byName = await rejectionOf(client.conversations.history({ channel: '#hot-leads' }));
      expect(byName).toMatchObject({ data: { ok: false, error: 'channel_not_found' } });

      fake.configure({ knownChannels: ['#hot-leads'] });
      const unknown = await rejectionOf(client.conversations.history({ channel: 'C0000000000' }));
      expect(unknown).toMatchObject({ data: { ok: false, error: 'channel_not_found' } });
      const notAuthed = await postJson('/api/conversations.history', { channel: 'C0000000000' });
      expect(await notAuthed.json()).toEqual({ ok: false, error: 'not_authed' });
    });

    it('pages with oldest/latest (exclusive unless inclusive), limit and cursor', async () => {
      const client = webClient('xoxb-test');
      const posted = [];
      for (const text of ['a', 'b', 'c', 'd']) {
        posted.push(await client.chat.postMessage({ channel: 'C0123456789', text }));
      }
      const channel = 'C0123456789';
      const afterA = await client.conversations.history({ channel, oldest: posted[0].ts });
      expect(afterA.messages?.map((m) => m.text)).toEqual(['d', 'c', 'b']);
      const fromA = await client.conversations.history({ channel, oldest: posted[0].ts, inclusive: true });
      expect(fromA.messages?.map((m) => m.text)).toEqual(['d', 'c', 'b', 'a']);
      const beforeD = await client.conversations.history({ channel, latest: posted[3].ts });
      expect(beforeD.messages?.map((m) => m.text)).toEqual(['c', 'b', 'a']);

      const page1 = await client.conversations.history({ channel, limit: 3 });
      expect(page1.messages?.map((m) => m.text)).toEqual(['d', 'c', 'b']);
      expect(page1.has_more).toBe(true);
      const cursor = page1.response_metadata?.next_cursor;
      expect(cursor).toBeTruthy();
      const page2 = await client.conversations.history({ channel, limit: 3, cursor });
      expect(page2.messages?.map((m) => m.text)).toEqual(['a']);
      expect(page2.has_more).toBe(false);

      const badCursor = await rejectionOf(client.conversations.history({ channel, cursor: 'bm9wZQ==' }));
      expect(badCursor).toMatchObject({ data: { error: 'invalid_cursor' } });
      const badOldest = await rejectionOf(client.conversations.history({ channel, oldest: 'yesterday' }));
      expect(badOldest).toMatchObject({ data: { error: 'invalid_ts_oldest' } });
    });

    it('conversations.list lists known and posted-to channels by name, paged by cursor', async () => {
      fake.configure({ knownChannels: ['#alerts', '#hot-leads', 'C0123456789'] });
      const client = webClient('xoxb-test');
      const posted = await client.chat.postMessage({ channel: '#hot-leads', text: 'x' });

      const all = await client.conversations.list({ types: 'public_channel,private_channel' });
      expect(all.channels?.map((c) => [c.name, c.is_channel, c.is_private, c.is_archived])).toEqual([
        ['alerts', true, false, false],
        ['hot-leads', true, false, false],
      ]);
      expect(all.channels?.[1].id).toBe(posted.channel);
      expect(all.response_metadata?.next_cursor).toBe('');

      const first = await client.conversations.list({ limit: 1 });
      expect(first.channels?.map((c) => c.name)).toEqual(['alerts']);
      const rest = await client.conversations.list({
        limit: 1,
        cursor: first.response_metadata?.next_cursor,
      });
      expect(rest.channels?.map((c) => c.name)).toEqual(['hot-leads']);
      const imOnly = await client.conversations.list({ types: 'im' });
      expect(imOnly.channels).toEqual([]);
    });

    it('reset() clears channel histories', async () => {
      const client = webClient('xoxb-test');
      await client.chat.postMessage({ channel: 'C0123456789', text: 'x' });
      fake.reset();
      const history = await client.conversations.history({ channel: 'C0123456789' });
      expect(history.messages).toEqual([]);
    });
  });

  describe('Web API auth.test and unknown methods', () => {
    it('auth.test returns the fake identity for a valid token and auth errors otherwise', async () => {
      await expect(webClient('xoxb-test').auth.test()).resolves.toMatchObject({
        ok: true,
        ...FAKE_SLACK_IDENTITY,
      });
      const err = await rejectionOf(webClient('bad-token').auth.test());
      expect(err).toMatchObject({ data: { ok: false, error: 'invalid_auth' } });
      const raw = await fetch(`${fake.url}/api/auth.test`, { method: 'POST' });
      expect(await raw.json()).toEqual({ ok: false, error: 'not_authed' });
    });

    it('answers 404 unknown_method for other methods', async () => {
      const raw = await postJson('/api/users.list', {}, { Authorization: 'Bearer xoxb-t' });
      expect(raw.status).toBe(404);
      expect(await raw.json()).toEqual({ ok: false, error: 'unknown_method' });
      expect(fake.received[0]).toMatchObject({ kind: 'web_api', path: '/api/users.list', status: 404 });
    });
  });

  describe('waitForMessages and reset', () => {
    it('resolves once enough messages were delivered, ignoring failed requests', async () => {
      fake.fail({ kind: 'server_error', times: 1 });
      const waiting = fake.waitForMessages(2, 5_000);

      setTimeout(() => {
        void (async () => {
          await postJson(WEBHOOK_PATH, { text: 'fails' });
          await postJson(WEBHOOK_PATH, { text: 'first' });
          await webClient('xoxb-test').chat.postMessage({ channel: 'C0123456789', text: 'second' });
        })();
      }, 50);

      const messages = await waiting;
      expect(messages.map((m) => [m.kind, m.text])).toEqual([
        ['webhook', 'first'],
        ['web_api', 'second'],
      ]);
      expect(fake.received).toHaveLength(3);
    });

    it('resolves immediately when the messages are already there', async () => {
      await postJson(WEBHOOK_PATH, { text: 'already' });
      await expect(fake.waitForMessages(1, 10)).resolves.toEqual([
        expect.objectContaining({ text: 'already' }),
      ]);
    });

    it('rejects after the timeout and lists the last requests', async () => {
      await postJson(WEBHOOK_PATH, { text: 'one' });
      await postJson(WEBHOOK_PATH, {});
      await expect(fake.waitForMessages(2, 100)).rejects.toThrow(
        /expected 2 delivered message\(s\) within 100 ms, got 1[\s\S]*POST \/services\/T000\/B000\/XXXX -> 400 "missing_text_or_fallback_or_attachments"/,
      );
    });

    it('reset() clears records and failure modes but keeps configuration', async () => {
      fake.configure({ knownChannels: ['C0123456789'] });
      fake.fail({ kind: 'server_error' });
      await postJson(WEBHOOK_PATH, { text: 'x' });
      const received = fake.received;

      fake.reset();

      expect(fake.received).toBe(received);
      expect(fake.received).toEqual([]);
      expect((await postJson(WEBHOOK_PATH, { text: 'x' })).status).toBe(200);
      const err = await rejectionOf(
        webClient('xoxb-test').chat.postMessage({ channel: 'C0000000000', text: 'x' }),
      );
      expect(err).toMatchObject({ data: { error: 'channel_not_found' } });
    });
  });
});
