import { ErrorCode, Subjects } from '@crm/contracts';
import { TransientError, type Outbox } from '@crm/messaging';
import type { AppLogger } from '@crm/service-kit';
import type { PostMessageInput } from './dto/post-message.input';
import type { MessageLogEntity } from './message-log.entity';
import type { FailedRecord, MessageLogRepository, SentRecord } from './message-log.repository';
import { PostMessageService } from './post-message.service';
import {
  SlackDeliveryError,
  type OutgoingSlackMessage,
  type SlackClient,
  type SlackPostResult,
} from './slack-client/slack-client';
import type { SlackTargets } from './slack-client/slack-targets';

/** An in-memory message log with the repository's contract. */
class FakeMessageLog {
  rows = new Map<string, Partial<MessageLogEntity>>();
  locked: string[] = [];
  async lockKey(key: string) {
    this.locked.push(key);
  }
  async findByKey(key: string) {
    return (this.rows.get(key) as MessageLogEntity | undefined) ?? null;
  }
  async recordSent(r: SentRecord) {
    this.rows.set(r.idempotencyKey, {
      status: 'sent',
      attempts: r.attempts,
      channel: r.channel,
      vendor_ts: r.ts,
    });
  }
  async recordFailed(r: FailedRecord) {
    this.rows.set(r.idempotencyKey, {
      status: 'failed',
      attempts: r.attempts,
      channel: r.channel,
      error_code: r.code,
      vendor_status: r.vendorStatus,
      retryable: r.retryable,
    });
  }
}

class ScriptedClient implements SlackClient {
  readonly mode = 'webhook' as const;
  posted: OutgoingSlackMessage[] = [];
  constructor(private readonly outcome: () => SlackPostResult) {}
  async post(message: OutgoingSlackMessage) {
    this.posted.push(message);
    return this.outcome();
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
  const targets = { clientFor: () => client } as unknown as SlackTargets;
  const service = new PostMessageService(
    log as unknown as MessageLogRepository,
    targets,
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

const failing = (error: SlackDeliveryError) => () => {
  throw error;
};

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
      },
    ]);
    expect(log.locked).toEqual(['run-key-1']);
    expect(log.rows.get('run-key-1')).toMatchObject({ status: 'sent', attempts: 1 });
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
    const client = new ScriptedClient(() => ({ ts: '1.2', channel: 'C1', vendorResponse: 'ok' }));
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

  it('throws TransientError with Retry-After on 429 before the last attempt, and records nothing', async () => {
    const error = new SlackDeliveryError('rate_limited', 'rate_limited', 429, 'HTTP 429', 3000);
    const { service, log, published } = setup(new ScriptedClient(failing(error)));
    const thrown = await service.postMessage(input()).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(TransientError);
    expect((thrown as TransientError).retryAfterMs).toBe(3000);
    expect(log.rows.size).toBe(0);
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
      attempts: 5,
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

  it('uses EXTERNAL_SERVICE_ERROR when a network failure exhausts the attempts', async () => {
    const error = new SlackDeliveryError('transient', null, null, 'Slack webhook did not answer in time');
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
    log.rows.set('run-key-1', { status: 'failed', attempts: 5, channel: '#hot-leads' });
    await service.postMessage(input());
    expect(client.posted).toHaveLength(1);
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
});
