import { ErrorCode, SlackFailureCodes, Subjects } from '@crm/contracts';
import { TransientError, type Outbox } from '@crm/messaging';
import type { AppLogger } from '@crm/service-kit';
import type { PostMessageInput } from './dto/post-message.input';
import type { MessageLogEntity } from './message-log.entity';
import type { AttemptClaim, FailedRecord, MessageLogRepository, SentRecord } from './message-log.repository';
import { PostMessageService } from './post-message.service';
import {
  SlackDeliveryError,
  type EarlierPost,
  type OutgoingSlackMessage,
  type SlackClient,
  type SlackPostResult,
} from './slack-client/slack-client';
import type { SlackTargets } from './slack-client/slack-targets';
import type { SettingsService } from '../settings/settings.service';

/** An in-memory message log with the repository's contract (no transactions: nothing is rolled back). */
class FakeMessageLog {
  rows = new Map<string, Partial<MessageLogEntity>>();
  locked: string[] = [];
  failSent: Error | null = null;
  async lockKey(key: string) {
    this.locked.push(key);
  }
  async findByKey(key: string) {
    return (this.rows.get(key) as MessageLogEntity | undefined) ?? null;
  }
  async claimNow(c: AttemptClaim) {
    const row = this.rows.get(c.idempotencyKey);
    this.rows.set(c.idempotencyKey, {
      ...row,
      status: 'sending',
      attempts: (row?.attempts ?? 0) + 1,
      channel: c.channel,
      mode: c.mode,
      error_code: null,
      attempt_started_at: new Date(),
    });
  }
  async recordSent(r: SentRecord) {
    if (this.failSent) throw this.failSent;
    this.rows.set(r.idempotencyKey, { ...this.rows.get(r.idempotencyKey), status: 'sent', vendor_ts: r.ts });
  }
  async recordFailed(r: FailedRecord) {
    const row = this.rows.get(r.idempotencyKey);
    this.rows.set(r.idempotencyKey, {
      ...row,
      status: 'failed',
      attempts: row?.attempts ?? 0,
      channel: r.channel,
      error_code: r.code,
      vendor_status: r.vendorStatus,
      retryable: r.retryable,
    });
  }
  recordFailedNow(r: FailedRecord) {
    return this.recordFailed(r);
  }
}

class ScriptedClient implements SlackClient {
  readonly mode = 'webhook' as const;
  posted: OutgoingSlackMessage[] = [];
  lookups: { channel: string; key: string; since: Date }[] = [];
  constructor(
    private readonly outcome: () => SlackPostResult,
    private readonly lookup: () => EarlierPost = () => ({ status: 'unknown', reason: 'cannot look up' }),
  ) {}
  async post(message: OutgoingSlackMessage) {
    this.posted.push(message);
    return this.outcome();
  }
  async findEarlierPost(channel: string, key: string, since: Date) {
    this.lookups.push({ channel, key, since });
    return this.lookup();
  }
}

const silentLogger = {
  child: () => ({ info: () => undefined, warn: () => undefined, error: () => undefined }),
} as unknown as AppLogger;

function setup(client: SlackClient | null) {
  const log = new FakeMessageLog();
  const published: { subject: string; data: Record<string, unknown>; options?: unknown }[] = [];
  const outbox = {
    publish: async (subject: string, data: Record<string, unknown>, options?: unknown) => {
      published.push({ subject, data, options });
      return 'id';
    },
  } as unknown as Outbox;
  const targets = {
    resolve: (_settings: unknown, channel: string) =>
      client
        ? { configured: true, client, channel }
        : { configured: false, reason: 'Slack is not configured' },
  } as unknown as SlackTargets;
  const settings = { current: async () => ({}) } as unknown as SettingsService;
  const service = new PostMessageService(
    log as unknown as MessageLogRepository,
    targets,
    settings,
    outbox,
    silentLogger,
  );
  return { service, log, published };
}

const input = (overrides: Partial<PostMessageInput> = {}): PostMessageInput => ({
  idempotencyKey: 'run-key-1',
  command: { channel: '#hot-leads', text: 'Deal moved', reference: 'run-1' },
  deliveryCount: 1,
  isLastAttempt: false,
  ...overrides,
});

const ok = (): SlackPostResult => ({ ts: '1.2', channel: '#hot-leads', vendorResponse: 'ok' });

const failing = (error: SlackDeliveryError) => () => {
  throw error;
};

const timeout = () =>
  new SlackDeliveryError('transient', null, null, 'Slack webhook did not answer in time', null, 'unknown');

describe('PostMessageService', () => {
  it('posts text with a section block fallback, logs sent and publishes SlackMessagePosted', async () => {
    const client = new ScriptedClient(() => ({ ts: null, channel: '#hot-leads', vendorResponse: 'ok' }));
    const { service, log, published } = setup(client);
    await service.postMessage(input());
    expect(client.posted).toEqual([
      {
        channel: '#hot-leads',
        text: 'Deal moved',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Deal moved' } }],
        idempotencyKey: 'run-key-1',
      },
    ]);
    expect(log.locked).toEqual(['run-key-1']);
    expect(log.rows.get('run-key-1')).toMatchObject({ status: 'sent', attempts: 1 });
    expect(client.lookups).toEqual([]);
    expect(published).toEqual([
      {
        subject: Subjects.SlackMessagePosted,
        data: {
          idempotency_key: 'run-key-1',
          reference: 'run-1',
          channel: '#hot-leads',
          ts: null,
          attempts: 1,
        },
        options: undefined,
      },
    ]);
  });

  it('posts nothing for a key already sent and re-emits the result for this requester', async () => {
    const client = new ScriptedClient(ok);
    const { service, log, published } = setup(client);
    log.rows.set('run-key-1', { status: 'sent', attempts: 2, channel: '#hot-leads', vendor_ts: '1.2' });
    await service.postMessage(input({ command: { channel: '#hot-leads', text: 'x', reference: 'other' } }));
    expect(client.posted).toEqual([]);
    expect(published).toEqual([
      expect.objectContaining({
        subject: Subjects.SlackMessagePosted,
        data: {
          idempotency_key: 'run-key-1',
          reference: 'other',
          channel: '#hot-leads',
          ts: '1.2',
          attempts: 2,
        },
      }),
    ]);
  });

  it('on 429 before the last attempt records the attempt as not posted and throws TransientError with Retry-After', async () => {
    const error = new SlackDeliveryError('rate_limited', 'rate_limited', 429, 'HTTP 429', 3000);
    const { service, log, published } = setup(new ScriptedClient(failing(error)));
    const thrown = await service.postMessage(input()).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(TransientError);
    expect((thrown as TransientError).retryAfterMs).toBe(3000);
    expect(log.rows.get('run-key-1')).toMatchObject({
      status: 'failed',
      attempts: 1,
      error_code: 'rate_limited',
    });
    expect(published).toEqual([]);
  });

  it('throws TransientError without a delay on 5xx before the last attempt', async () => {
    const error = new SlackDeliveryError('transient', 'rollup_error', 500, 'HTTP 500 rollup_error');
    const { service } = setup(new ScriptedClient(failing(error)));
    const thrown = await service.postMessage(input({ deliveryCount: 4 })).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(TransientError);
    expect((thrown as TransientError).retryAfterMs).toBeUndefined();
  });

  it('on the last attempt records the failure and publishes a retryable SlackMessageFailed', async () => {
    const error = new SlackDeliveryError(
      'transient',
      'rollup_error',
      500,
      'Slack webhook answered HTTP 500 rollup_error',
    );
    const { service, log, published } = setup(new ScriptedClient(failing(error)));
    await service.postMessage(input({ deliveryCount: 5, isLastAttempt: true }));
    expect(log.rows.get('run-key-1')).toMatchObject({
      status: 'failed',
      attempts: 1,
      error_code: 'rollup_error',
    });
    expect(published).toEqual([
      expect.objectContaining({
        subject: Subjects.SlackMessageFailed,
        data: {
          idempotency_key: 'run-key-1',
          reference: 'run-1',
          channel: '#hot-leads',
          error: {
            code: 'rollup_error',
            message: 'Slack webhook answered HTTP 500 rollup_error; gave up after 5 attempts',
            retryable: true,
            vendor_status: 500,
          },
          attempts: 5,
        },
      }),
    ]);
  });

  it('uses EXTERNAL_SERVICE_ERROR when a connection failure exhausts the attempts', async () => {
    const error = new SlackDeliveryError(
      'transient',
      null,
      null,
      'Slack webhook request failed: fetch failed',
    );
    const { service, published } = setup(new ScriptedClient(failing(error)));
    await service.postMessage(input({ deliveryCount: 5, isLastAttempt: true }));
    expect(published[0].data.error).toMatchObject({
      code: ErrorCode.ExternalServiceError,
      retryable: true,
      vendor_status: null,
    });
  });

  it('fails a 4xx at once, not retryable, with the vendor code', async () => {
    const error = new SlackDeliveryError('permanent', 'channel_not_found', 404, 'HTTP 404 channel_not_found');
    const { service, published } = setup(new ScriptedClient(failing(error)));
    await service.postMessage(input());
    expect(published[0]).toMatchObject({
      subject: Subjects.SlackMessageFailed,
      data: { error: { code: 'channel_not_found', retryable: false, vendor_status: 404 }, attempts: 1 },
    });
  });

  it('reports INTEGRATION_NOT_CONFIGURED when no target is configured', async () => {
    const { service, published, log } = setup(null);
    await service.postMessage(input());
    expect(published[0]).toMatchObject({
      subject: Subjects.SlackMessageFailed,
      data: { error: { code: 'INTEGRATION_NOT_CONFIGURED', retryable: false, vendor_status: null } },
    });
    expect(log.rows.get('run-key-1')).toMatchObject({ status: 'failed', attempts: 0 });
  });

  it('tries again for a key whose earlier command failed and counts all attempts in the log', async () => {
    const client = new ScriptedClient(() => ({ ts: null, channel: '#hot-leads', vendorResponse: 'ok' }));
    const { service, log, published } = setup(client);
    log.rows.set('run-key-1', {
      status: 'failed',
      attempts: 5,
      channel: '#hot-leads',
      error_code: 'rollup_error',
    });
    await service.postMessage(input());
    expect(client.posted).toHaveLength(1);
    expect(client.lookups).toEqual([]);
    expect(log.rows.get('run-key-1')).toMatchObject({ status: 'sent', attempts: 6 });
    expect(published[0].data.attempts).toBe(1);
  });

  it('passes blocks given by the command through unchanged', async () => {
    const client = new ScriptedClient(() => ({ ts: null, channel: '#x', vendorResponse: 'ok' }));
    const { service } = setup(client);
    const blocks = [{ type: 'divider' }];
    await service.postMessage(input({ command: { channel: '#x', text: 't', blocks } }));
    expect(client.posted[0].blocks).toBe(blocks);
  });

  describe('an attempt whose outcome is unknown', () => {
    it('lets a database failure after the post propagate, leaving the key `sending` and reporting nothing', async () => {
      const client = new ScriptedClient(ok);
      const { service, log, published } = setup(client);
      log.failSent = new Error('connection terminated');
      await expect(service.postMessage(input())).rejects.toBe(log.failSent);
      expect(client.posted).toHaveLength(1);
      expect(log.rows.get('run-key-1')).toMatchObject({ status: 'sending', attempts: 1 });
      expect(published).toEqual([]);
    });

    it('a timeout before the last attempt keeps the key `sending` and retries (the next delivery checks first)', async () => {
      const { service, log, published } = setup(new ScriptedClient(failing(timeout())));
      await expect(service.postMessage(input())).rejects.toBeInstanceOf(TransientError);
      expect(log.rows.get('run-key-1')).toMatchObject({ status: 'sending' });
      expect(published).toEqual([]);
    });

    it('a timeout on the last attempt is reported as outcome_unknown, not retryable', async () => {
      const { service, log, published } = setup(new ScriptedClient(failing(timeout())));
      await service.postMessage(input({ deliveryCount: 5, isLastAttempt: true }));
      expect(published[0].data.error).toEqual({
        code: SlackFailureCodes.OutcomeUnknown,
        message: expect.stringContaining('Slack webhook did not answer in time'),
        retryable: false,
        vendor_status: null,
      });
      expect(log.rows.get('run-key-1')).toMatchObject({ status: 'failed', error_code: 'outcome_unknown' });
    });

    it('a `sending` key found posted is completed without posting again', async () => {
      const found: SlackPostResult = { ts: '9.9', channel: 'C123', vendorResponse: 'found ts=9.9' };
      const client = new ScriptedClient(ok, () => ({ status: 'posted', result: found }));
      const { service, log, published } = setup(client);
      const since = new Date('2026-01-01T00:00:00Z');
      log.rows.set('run-key-1', {
        status: 'sending',
        attempts: 1,
        channel: '#hot-leads',
        attempt_started_at: since,
      });
      await service.postMessage(input({ deliveryCount: 2 }));
      expect(client.posted).toEqual([]);
      expect(client.lookups).toEqual([{ channel: '#hot-leads', key: 'run-key-1', since }]);
      expect(log.rows.get('run-key-1')).toMatchObject({ status: 'sent', vendor_ts: '9.9', attempts: 1 });
      expect(published).toEqual([
        expect.objectContaining({
          subject: Subjects.SlackMessagePosted,
          data: expect.objectContaining({ ts: '9.9', attempts: 2, channel: '#hot-leads' }),
        }),
      ]);
    });

    it('a `sending` key known not to be posted is posted', async () => {
      const client = new ScriptedClient(ok, () => ({ status: 'not_posted' }));
      const { service, log } = setup(client);
      log.rows.set('run-key-1', { status: 'sending', attempts: 1, channel: '#hot-leads' });
      await service.postMessage(input());
      expect(client.posted).toHaveLength(1);
      expect(log.rows.get('run-key-1')).toMatchObject({ status: 'sent', attempts: 2 });
    });

    it('a `sending` key that cannot be checked fails as outcome_unknown without posting', async () => {
      const client = new ScriptedClient(ok);
      const { service, log, published } = setup(client);
      log.rows.set('run-key-1', { status: 'sending', attempts: 1, channel: '#hot-leads' });
      await service.postMessage(input({ deliveryCount: 2 }));
      expect(client.posted).toEqual([]);
      expect(published[0]).toMatchObject({
        subject: Subjects.SlackMessageFailed,
        data: { error: { code: 'outcome_unknown', retryable: false }, attempts: 2 },
      });
      expect(log.rows.get('run-key-1')).toMatchObject({ status: 'failed', error_code: 'outcome_unknown' });
    });

    it('a new command after a reported unknown outcome is a deliberate retry: it posts when no check is possible', async () => {
      const client = new ScriptedClient(ok);
      const { service, log } = setup(client);
      log.rows.set('run-key-1', {
        status: 'failed',
        attempts: 1,
        channel: '#hot-leads',
        error_code: 'outcome_unknown',
      });
      await service.postMessage(input());
      expect(client.lookups).toHaveLength(1);
      expect(client.posted).toHaveLength(1);
    });

    it('a lookup Slack cannot answer now is retried, and on the last attempt reported as outcome_unknown', async () => {
      const busy = new SlackDeliveryError('rate_limited', 'ratelimited', 429, 'HTTP 429', 2000);
      const client = new ScriptedClient(ok, failing(busy));
      const { service, log, published } = setup(client);
      log.rows.set('run-key-1', { status: 'sending', attempts: 1, channel: '#hot-leads' });
      const thrown = await service.postMessage(input({ deliveryCount: 2 })).catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(TransientError);
      expect((thrown as TransientError).retryAfterMs).toBe(2000);

      await service.postMessage(input({ deliveryCount: 5, isLastAttempt: true }));
      expect(client.posted).toEqual([]);
      expect(published[0].data.error).toMatchObject({ code: 'outcome_unknown', retryable: false });
    });
  });

  describe('dead-lettered commands', () => {
    it('publish SlackMessageFailed with dead_lettered, the reason and the requester reference', async () => {
      const { service, published } = setup(null);
      await service.reportDeadLettered(
        {
          consumer: 'slack-post-message',
          subject: Subjects.SlackPostMessage,
          reason: 'max_deliver_exceeded',
          error: 'QueryFailedError: connection lost',
          envelope: {
            id: 'env-1',
            idempotency_key: 'run-key-1',
            data: { channel: '#x', reference: 'run-1' },
          },
        },
        5,
      );
      expect(published).toEqual([
        expect.objectContaining({
          subject: Subjects.SlackMessageFailed,
          data: {
            idempotency_key: 'run-key-1',
            reference: 'run-1',
            channel: '#x',
            error: {
              code: 'dead_lettered',
              message:
                'The command became a dead letter (max_deliver_exceeded): QueryFailedError: connection lost',
              retryable: true,
              vendor_status: null,
            },
            attempts: 5,
          },
        }),
      ]);
    });

    it('fall back to the envelope id, and say nothing when the message was not even an envelope', async () => {
      const { service, published } = setup(null);
      const letter = {
        consumer: 'slack-post-message',
        subject: Subjects.SlackPostMessage,
        reason: 'invalid_message' as const,
        error: 'InvalidMessageError: data.channel must be a string',
      };
      await service.reportDeadLettered({ ...letter, envelope: { id: 'env-2', data: { channel: 42 } } }, 5);
      await service.reportDeadLettered({ ...letter, envelope: null }, 5);
      expect(published).toHaveLength(1);
      expect(published[0].data).toMatchObject({
        idempotency_key: 'env-2',
        reference: null,
        channel: '',
        error: { code: 'dead_lettered', retryable: false },
        attempts: 1,
      });
    });
  });
});
