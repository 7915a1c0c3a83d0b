import { randomUUID } from 'node:crypto';
import {
  Consumers,
  ErrorCode,
  MailerFailureCodes,
  Queries,
  SlackFailureCodes,
  Subjects,
  type ActorRef,
  type CituroBookingInvitationFailedV1,
  type CituroBookingInvitationSentV1,
  type CituroSendBookingV1,
  type MailerEmailFailedV1,
  type MailerEmailSentV1,
  type MailerSendEmailV1,
  type MessageEnvelope,
  type MocoSyncFailedV1,
  type MocoSyncSucceededV1,
  type MocoSyncV1,
  type PayloadOf,
  type SlackMessageFailedV1,
  type SlackMessagePostedV1,
  type SlackPostMessageV1,
  type Subject,
  type VendorFailure,
} from '@crm/contracts';
import {
  FAKE_CITURO_API_KEY,
  FAKE_MOCO_API_KEY,
  FakeCituroServer,
  FakeMocoServer,
  FakeSlackServer,
  FakeSmtpServer,
  NatsTestClient,
  waitFor,
} from '@crm/testing';
import { ensureInfrastructureUp, RunningSystem, type ServiceKey } from '../src';

/**
 * Exactly once under faults (issue 8), for the four integration services as separate processes on the real
 * PostgreSQL and NATS, with only the vendors faked: kill -9 while a vendor call is in flight (the fake has
 * applied the request and holds its answer), then a restart; 429 storms with Retry-After and 500s; a lasting
 * 500; the same command delivered twice. Each asserts what the service documents:
 *
 * - moco and cituro look the record up before they create it, so a redelivery after a create whose answer was
 *   lost finds it: one vendor record, and the command succeeds.
 * - mailer and slack (incoming webhook) cannot ask the vendor whether the email / post arrived: the redelivery
 *   finds the attempt recorded as `sending` and reports `outcome_unknown` (not retryable; a new command for the
 *   key is the deliberate retry) instead of sending a second one (README "Messaging guarantees",
 *   PostMessageService, SendEmailService).
 *
 * A message held by a killed process comes back after the consumer's ack wait; MESSAGING_ACK_WAIT_SCALE shrinks
 * it to two seconds here, MESSAGING_BACKOFF_SCALE the queue's backoff. Retry-After is never scaled, so the 429
 * storms take their seconds.
 */
const ADMIN: ActorRef = { type: 'user', id: '00000000-0000-4000-8000-000000000001', name: 'Admin' };
const CITURO_WEBHOOK_SECRET = 'whs_0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const BOOKING_URL = 'https://book.cituro.com/dna-me-demo';
/** Longer than any test: the fake applies the request and answers only after the service was killed. */
const HOLD_MS = 60_000;
const SETTLE_MS = 30_000;
const WEBHOOK_CHANNEL = '#sales';
const BOT_CHANNEL = '#deals';
const TEST_TIMEOUT_MS = 60_000;

/** Every result event of one idempotency key, on the command's success and failure subjects. */
class Results<
  S extends { idempotency_key: string },
  F extends { idempotency_key: string; error: VendorFailure },
> {
  private readonly succeededEvents: MessageEnvelope<S>[];
  private readonly failedEvents: MessageEnvelope<F>[];

  constructor(nats: NatsTestClient, succeeded: Subject, failed: Subject, key: string) {
    this.succeededEvents = nats.collect<S>(succeeded, (e) => e.data.idempotency_key === key);
    this.failedEvents = nats.collect<F>(failed, (e) => e.data.idempotency_key === key);
  }

  get count(): number {
    return this.succeededEvents.length + this.failedEvents.length;
  }

  /** Resolves once there is a result: 'succeeded' or 'failed'. */
  first(): Promise<'succeeded' | 'failed'> {
    return waitFor(async () => this.kinds()[0], { timeoutMs: SETTLE_MS, message: 'no result event' });
  }

  get succeeded(): S[] {
    return this.succeededEvents.map((e) => e.data);
  }

  get failures(): F[] {
    return this.failedEvents.map((e) => e.data);
  }

  /** The kinds of result seen so far. */
  kinds(): ('succeeded' | 'failed')[] {
    return [
      ...(this.succeededEvents.length ? (['succeeded'] as const) : []),
      ...(this.failedEvents.length ? (['failed'] as const) : []),
    ];
  }
}

/**
 * Scenarios of one lane run one after another; the lanes run side by side once the system is up, which keeps the
 * suite within a minute (most of a scenario is waiting: for an ack wait, a restart, a Retry-After). A lane is a
 * set of services whose fakes no other lane touches: cituro's booking emails go through the mailer's SMTP fake,
 * so cituro and mailer share one. Each test awaits its scenario; with `-t` every scenario still runs, only the
 * chosen tests report.
 */
class Lanes {
  private open!: () => void;
  private abort!: (error: unknown) => void;
  private readonly up = new Promise<void>((resolve, reject) => {
    this.open = resolve;
    this.abort = reject;
  });
  private readonly tails = new Map<string, Promise<void>>();

  started(): void {
    this.open();
  }

  failedToStart(error: unknown): void {
    this.abort(error);
  }

  /** Queues `scenario` in `lane` after the lane's earlier scenarios, whatever their outcome. */
  run(lane: string, scenario: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(lane) ?? Promise.resolve();
    const run = previous.then(() => this.up).then(scenario);
    const settled = run.catch(() => undefined);
    this.tails.set(lane, settled);
    return run;
  }

  /** Every queued scenario has settled. */
  async idle(): Promise<void> {
    await Promise.all(this.tails.values());
  }
}

describe('integration services: exactly once under faults (kill -9, 429 storms, 500s, redelivery)', () => {
  let system: RunningSystem;
  let nats: NatsTestClient;
  let moco: FakeMocoServer;
  let cituro: FakeCituroServer;
  let smtp: FakeSmtpServer;
  let slack: FakeSlackServer;
  const lanes = new Lanes();

  /** A test whose scenario runs in `lane` (see Lanes). */
  function inLane(lane: 'moco' | 'booking' | 'slack', name: string, scenario: () => Promise<void>): void {
    const running = lanes.run(lane, scenario);
    it(name, () => running, TEST_TIMEOUT_MS);
  }

  beforeAll(async () => {
    try {
      await startSystem();
      lanes.started();
    } catch (error) {
      lanes.failedToStart(error);
      throw error;
    }
  }, 120_000);

  async function startSystem(): Promise<void> {
    await ensureInfrastructureUp();
    [moco, cituro, smtp, slack] = await Promise.all([
      FakeMocoServer.start({ rateLimit: false }),
      FakeCituroServer.start(),
      FakeSmtpServer.start(),
      FakeSlackServer.start(),
    ]);
    system = await RunningSystem.start({
      services: ['slack', 'mailer', 'cituro', 'moco'],
      concurrently: true,
      echoLogs: process.env.E2E_ECHO_LOGS === '1',
      slackWebhookUrl: slack.webhookUrl(),
      smtpUrl: smtp.url(),
      env: {
        MESSAGING_BACKOFF_SCALE: '0.0001',
        // 60 s ack wait → 2 s: a command held by a killed process comes back two seconds later.
        MESSAGING_ACK_WAIT_SCALE: '0.034',
      },
      serviceEnv: {
        moco: {
          MOCO_BASE_URL: moco.baseUrl,
          MOCO_API_KEY: FAKE_MOCO_API_KEY,
          MOCO_BACKOFF_MS: '50',
          MOCO_RATE_LIMIT: '100000',
          // 300 s ack wait → 2 s.
          MESSAGING_ACK_WAIT_SCALE: '0.007',
        },
        cituro: { CITURO_RETRY_BASE_MS: '10' },
        // Both Slack modes: the webhook for WEBHOOK_CHANNEL, the bot (chat.postMessage) for every other channel.
        slack: {
          SLACK_BOT_TOKEN: 'xoxb-e2e-faults',
          SLACK_API_URL: `${slack.url}/api/`,
          SLACK_WEBHOOK_CHANNELS: WEBHOOK_CHANNEL,
        },
      },
    });
    nats = await NatsTestClient.connect(system.namespace);
    await nats.request(Queries.CituroUpdateConfig, {
      actor: ADMIN,
      body: {
        api_key: FAKE_CITURO_API_KEY,
        base_url: cituro.url,
        webhook_secret: CITURO_WEBHOOK_SECRET,
        booking_url: BOOKING_URL,
        enabled: true,
      },
    });
  }

  afterAll(async () => {
    await lanes.idle();
    await nats?.close();
    await system?.stop();
    await Promise.all([moco?.close(), cituro?.close(), smtp?.close(), slack?.close()]);
  });

  /** Publishes a command in a new envelope (no broker dedupe, so a second one with the key reaches the service). */
  async function send<S extends Subject>(
    subject: S,
    data: PayloadOf[S],
    key: string,
  ): Promise<MessageEnvelope<PayloadOf[S]>> {
    const envelope = nats.envelope(subject, data, { idempotencyKey: key });
    await nats.publish(subject, envelope, { dedupe: false });
    return envelope;
  }

  /** kill -9 of `service` once `inFlight` says the vendor has the request, then a restart. */
  async function crashWhile(service: ServiceKey, inFlight: () => boolean): Promise<void> {
    await waitFor(async () => inFlight(), {
      timeoutMs: SETTLE_MS,
      intervalMs: 10,
      message: `the ${service} call never reached the vendor`,
    });
    await system.crash(service);
    await system.startService(service);
  }

  /** The consumer has nothing left to deliver and nothing unacknowledged: every delivery of the test is done. */
  async function settled(durable: string): Promise<void> {
    const consumer = Consumers.find((c) => c.durable === durable);
    if (!consumer) throw new Error(`no consumer ${durable} in contracts`);
    await waitFor(
      async () => {
        const info = await nats.consumerInfo(consumer.stream, durable);
        return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
      },
      { timeoutMs: SETTLE_MS, message: `${durable} never went idle` },
    );
  }

  describe('moco (lookup before create: one company and deal, the command succeeds)', () => {
    function syncCommand(): MocoSyncV1 {
      const id = randomUUID();
      return {
        operation: 'create_deal',
        lead: {
          id,
          email: `jane.${id.slice(0, 8)}@acme.test`,
          first_name: 'Jane',
          last_name: 'Doe',
          phone: null,
          job_title: 'CTO',
        },
        organization: {
          id: randomUUID(),
          name: `Acme ${id.slice(0, 8)} GmbH`,
          website: null,
          country_code: 'de',
        },
        deal: {
          id: randomUUID(),
          name: 'Lab enablement',
          value: 12000,
          currency: 'EUR',
          expected_close_date: '2027-03-31',
        },
        force: false,
        reference: id,
      };
    }
    const companiesOf = (c: MocoSyncV1) =>
      moco.records('companies').filter((r) => r.name === c.organization!.name);
    const dealsOf = (c: MocoSyncV1) =>
      moco.records('deals').filter((r) => JSON.stringify(r).includes(c.deal!.id));
    const results = (key: string) =>
      new Results<MocoSyncSucceededV1, MocoSyncFailedV1>(
        nats,
        Subjects.MocoSyncSucceeded,
        Subjects.MocoSyncFailed,
        key,
      );

    inLane(
      'moco',
      'kill -9 while MOCO holds the answer to the company create, then a restart: one company, one deal, succeeded',
      async () => {
        const command = syncCommand();
        const key = randomUUID();
        const result = results(key);
        moco.fail(
          { kind: 'timeout', afterApply: true, delayMs: HOLD_MS, times: 1 },
          { method: 'POST', path: '/companies' },
        );
        await send(Subjects.MocoSync, command, key);
        await crashWhile('moco', () => companiesOf(command).length === 1);
        const outcome = await result.first();
        await settled('moco-sync');
        expect(outcome).toBe('succeeded');
        expect(result.kinds()).toEqual(['succeeded']);
        expect(companiesOf(command)).toHaveLength(1);
        expect(dealsOf(command)).toHaveLength(1);
        expect(result.succeeded[0].moco).toMatchObject({
          company_id: companiesOf(command)[0].id,
          deal_id: dealsOf(command)[0].id,
        });
      },
    );

    inLane('moco', 'a 429 storm with Retry-After and 500s: one company, one deal, succeeded', async () => {
      const command = syncCommand();
      const key = randomUUID();
      const result = results(key);
      moco.fail(
        { kind: 'rate_limit', retryAfterSeconds: 1, times: 3 },
        { method: 'POST', path: '/companies' },
      );
      moco.fail({ kind: 'server_error', status: 500, times: 2 }, { method: 'POST', path: '/deals' });
      await send(Subjects.MocoSync, command, key);
      await result.first();
      await settled('moco-sync');
      expect(result.kinds()).toEqual(['succeeded']);
      expect(moco.requests('POST', '/companies').filter((r) => r.status === 429)).toHaveLength(3);
      expect(moco.requests('POST', '/deals').filter((r) => r.status === 500)).toHaveLength(2);
      expect(companiesOf(command)).toHaveLength(1);
      expect(dealsOf(command)).toHaveLength(1);
    });

    inLane('moco', 'a lasting 500: failed after the last delivery, retryable, nothing created', async () => {
      const command = syncCommand();
      const key = randomUUID();
      const result = results(key);
      moco.fail({ kind: 'server_error', status: 500 }, { method: 'POST', path: '/companies' });
      await send(Subjects.MocoSync, command, key);
      const outcome = await result.first();
      moco.heal({ method: 'POST', path: '/companies' }); // the failure lasted until the last delivery
      await settled('moco-sync');
      expect(outcome).toBe('failed');
      expect(result.kinds()).toEqual(['failed']);
      expect(result.failures[0]).toMatchObject({
        error: { code: ErrorCode.ExternalServiceError, retryable: true, vendor_status: 500 },
        attempts: 5,
      });
      expect(companiesOf(command)).toHaveLength(0);
    });

    inLane(
      'moco',
      'the same command twice (a redelivery, and a new envelope with the same key): one company and deal, succeeded only',
      async () => {
        const command = syncCommand();
        const key = randomUUID();
        const result = results(key);
        const envelope = await send(Subjects.MocoSync, command, key);
        await nats.publish(Subjects.MocoSync, envelope, { dedupe: false });
        await send(Subjects.MocoSync, command, key);
        await waitFor(async () => result.count >= 2, { timeoutMs: SETTLE_MS });
        await settled('moco-sync');
        expect(result.kinds()).toEqual(['succeeded']);
        expect(new Set(result.succeeded.map((s) => JSON.stringify(s.moco))).size).toBe(1);
        expect(companiesOf(command)).toHaveLength(1);
        expect(dealsOf(command)).toHaveLength(1);
      },
    );
  });

  describe('cituro (lookup before create: one customer, one booking email, the command succeeds)', () => {
    function bookingCommand(): CituroSendBookingV1 {
      const id = randomUUID();
      return {
        lead_id: id,
        email: `lead.${id.slice(0, 8)}@acme.test`,
        first_name: 'Jane',
        last_name: 'Doe',
        company: 'Acme GmbH',
        deal_id: null,
        reference: id,
      };
    }
    const customersOf = (c: CituroSendBookingV1) => cituro.customers().filter((r) => r.email === c.email);
    const emailsTo = (c: CituroSendBookingV1) => smtp.received.filter((e) => e.to.includes(c.email));
    const results = (key: string) =>
      new Results<CituroBookingInvitationSentV1, CituroBookingInvitationFailedV1>(
        nats,
        Subjects.CituroBookingInvitationSent,
        Subjects.CituroBookingInvitationFailed,
        key,
      );
    /** The booking email is the mailer's: waits until it went out once and the mailer is idle again. */
    async function bookingEmailSent(c: CituroSendBookingV1): Promise<void> {
      await waitFor(async () => emailsTo(c).length >= 1, {
        timeoutMs: SETTLE_MS,
        message: 'no booking email',
      });
      await settled('mailer-send-email');
      expect(emailsTo(c)).toHaveLength(1);
    }

    inLane(
      'booking',
      'kill -9 while Cituro holds the answer to the customer create, then a restart: one customer, one email, succeeded',
      async () => {
        const command = bookingCommand();
        const key = randomUUID();
        const result = results(key);
        cituro.fail(
          { kind: 'timeout', ms: HOLD_MS, afterHandling: true, times: 1 },
          { method: 'POST', path: '/customers' },
        );
        await send(Subjects.CituroSendBooking, command, key);
        await crashWhile('cituro', () => customersOf(command).length === 1);
        const outcome = await result.first();
        await settled('cituro-send-booking');
        expect(outcome).toBe('succeeded');
        expect(result.kinds()).toEqual(['succeeded']);
        expect(customersOf(command)).toHaveLength(1);
        expect(result.succeeded[0].customer_id).toBe(customersOf(command)[0].id);
        await bookingEmailSent(command);
      },
    );

    inLane(
      'booking',
      'a 429 storm with Retry-After and 500s: one customer, one email, succeeded',
      async () => {
        const command = bookingCommand();
        const key = randomUUID();
        const result = results(key);
        cituro.fail({ kind: 'server_error', status: 500, times: 2 }, { method: 'GET', path: '/customers' });
        cituro.fail(
          { kind: 'rate_limit', retryAfterSeconds: 1, times: 3 },
          { method: 'POST', path: '/customers' },
        );
        await send(Subjects.CituroSendBooking, command, key);
        await result.first();
        await settled('cituro-send-booking');
        expect(result.kinds()).toEqual(['succeeded']);
        const posts = cituro.received.filter((r) => r.method === 'POST' && r.path === '/customers');
        expect(posts.filter((r) => r.status === 429)).toHaveLength(3);
        expect(customersOf(command)).toHaveLength(1);
        await bookingEmailSent(command);
      },
    );

    inLane(
      'booking',
      'a lasting 500: failed after the last delivery, retryable, no customer, no email',
      async () => {
        const command = bookingCommand();
        const key = randomUUID();
        const result = results(key);
        cituro.fail({ kind: 'server_error', status: 500 }, { method: 'POST', path: '/customers' });
        await send(Subjects.CituroSendBooking, command, key);
        const outcome = await result.first();
        cituro.heal({ method: 'POST', path: '/customers' }); // the failure lasted until the last delivery
        await settled('cituro-send-booking');
        expect(outcome).toBe('failed');
        expect(result.kinds()).toEqual(['failed']);
        expect(result.failures[0]).toMatchObject({
          error: { code: ErrorCode.ExternalServiceError, retryable: true, vendor_status: 500 },
          attempts: 5,
        });
        expect(customersOf(command)).toHaveLength(0);
        expect(emailsTo(command)).toHaveLength(0);
      },
    );

    inLane(
      'booking',
      'the same command twice (a redelivery, and a new envelope with the same key): one customer, one email, sent only',
      async () => {
        const command = bookingCommand();
        const key = randomUUID();
        const result = results(key);
        const envelope = await send(Subjects.CituroSendBooking, command, key);
        await nats.publish(Subjects.CituroSendBooking, envelope, { dedupe: false });
        await send(Subjects.CituroSendBooking, command, key);
        await waitFor(async () => result.count >= 2, { timeoutMs: SETTLE_MS });
        await settled('cituro-send-booking');
        expect(result.kinds()).toEqual(['succeeded']);
        expect(new Set(result.succeeded.map((s) => s.customer_id)).size).toBe(1);
        expect(customersOf(command)).toHaveLength(1);
        await bookingEmailSent(command);
      },
    );
  });

  describe('mailer (no second email: outcome_unknown when the send was not recorded)', () => {
    function emailCommand(): MailerSendEmailV1 {
      const id = randomUUID();
      return {
        to: `lead.${id.slice(0, 8)}@acme.test`,
        subject: 'Your demo',
        html: '<p>Hello {NAME}</p>',
        variables: { NAME: 'Jane' },
        lead_id: id,
        reference: id,
      };
    }
    const emailsTo = (c: MailerSendEmailV1) => smtp.received.filter((e) => e.to.includes(c.to));
    const results = (key: string) =>
      new Results<MailerEmailSentV1, MailerEmailFailedV1>(
        nats,
        Subjects.MailerEmailSent,
        Subjects.MailerEmailFailed,
        key,
      );

    inLane(
      'booking',
      'kill -9 after the server took the email but before its 250, then a restart: one email, outcome_unknown, no resend',
      async () => {
        const command = emailCommand();
        const key = randomUUID();
        const result = results(key);
        smtp.fail({ kind: 'hold_accept', delayMs: HOLD_MS, times: 1 });
        await send(Subjects.MailerSendEmail, command, key);
        await crashWhile('mailer', () => emailsTo(command).length === 1);
        const outcome = await result.first();
        await settled('mailer-send-email');
        expect(outcome).toBe('failed');
        expect(result.kinds()).toEqual(['failed']);
        expect(result.failures).toHaveLength(1);
        // The redelivery found the attempt unrecorded and did not send again: one SMTP attempt in all.
        expect(result.failures[0]).toMatchObject({
          error: { code: MailerFailureCodes.OutcomeUnknown, retryable: false },
          attempts: 1,
        });
        expect(emailsTo(command)).toHaveLength(1);
      },
    );

    inLane('booking', 'temporary 451s: one email, sent', async () => {
      const command = emailCommand();
      const key = randomUUID();
      const result = results(key);
      smtp.fail({ kind: 'temporary', stage: 'data', times: 3 });
      await send(Subjects.MailerSendEmail, command, key);
      await result.first();
      await settled('mailer-send-email');
      expect(result.kinds()).toEqual(['succeeded']);
      expect(smtp.sessions.filter((s) => s.outcome === '451').length).toBeGreaterThanOrEqual(3);
      expect(emailsTo(command)).toHaveLength(1);
    });

    inLane(
      'booking',
      'a server that keeps answering 451: failed after the last delivery (smtp_unavailable), retryable, no email',
      async () => {
        const command = emailCommand();
        const key = randomUUID();
        const result = results(key);
        smtp.fail({ kind: 'temporary', stage: 'rcpt' });
        await send(Subjects.MailerSendEmail, command, key);
        const outcome = await result.first();
        smtp.heal(); // the failure lasted until the last delivery
        await settled('mailer-send-email');
        expect(outcome).toBe('failed');
        expect(result.kinds()).toEqual(['failed']);
        expect(result.failures[0]).toMatchObject({
          error: { code: MailerFailureCodes.SmtpUnavailable, retryable: true, vendor_status: 451 },
          attempts: 5,
        });
        expect(emailsTo(command)).toHaveLength(0);
      },
    );

    inLane(
      'booking',
      'the same command twice (a redelivery, and a new envelope with the same key): one email, sent only',
      async () => {
        const command = emailCommand();
        const key = randomUUID();
        const result = results(key);
        const envelope = await send(Subjects.MailerSendEmail, command, key);
        await nats.publish(Subjects.MailerSendEmail, envelope, { dedupe: false });
        await send(Subjects.MailerSendEmail, command, key);
        await waitFor(async () => result.count >= 2, { timeoutMs: SETTLE_MS });
        await settled('mailer-send-email');
        expect(result.kinds()).toEqual(['succeeded']);
        expect(new Set(result.succeeded.map((s) => s.message_id)).size).toBe(1);
        expect(emailsTo(command)).toHaveLength(1);
      },
    );
  });

  describe('slack (one post: a bot post is looked up; a webhook post cannot be, so outcome_unknown)', () => {
    function postCommand(): SlackPostMessageV1 {
      const id = randomUUID();
      return { channel: WEBHOOK_CHANNEL, text: `Deal ${id} moved`, reference: id };
    }
    const postsOf = (c: SlackPostMessageV1) => slack.deliveredMessages().filter((m) => m.text === c.text);
    const results = (key: string) =>
      new Results<SlackMessagePostedV1, SlackMessageFailedV1>(
        nats,
        Subjects.SlackMessagePosted,
        Subjects.SlackMessageFailed,
        key,
      );

    inLane(
      'slack',
      'kill -9 while Slack holds the answers to a webhook post and a bot post, then a restart: each posted once; ' +
        'the bot post is found by its metadata (posted), the webhook one cannot be asked (outcome_unknown)',
      async () => {
        const viaWebhook = postCommand();
        const viaBot = { ...postCommand(), channel: BOT_CHANNEL };
        const [webhookKey, botKey] = [randomUUID(), randomUUID()];
        const [webhookResult, botResult] = [results(webhookKey), results(botKey)];
        slack.fail({ kind: 'slow_reply', delayMs: HOLD_MS, times: 1 }, { path: slack.webhookUrl() });
        slack.fail({ kind: 'slow_reply', delayMs: HOLD_MS, times: 1 }, { path: '/api/chat.postMessage' });
        await send(Subjects.SlackPostMessage, viaWebhook, webhookKey);
        await send(Subjects.SlackPostMessage, viaBot, botKey);
        await crashWhile('slack', () => postsOf(viaWebhook).length === 1 && postsOf(viaBot).length === 1);
        await Promise.all([webhookResult.first(), botResult.first()]);
        await settled('slack-post-message');

        expect(botResult.kinds()).toEqual(['succeeded']);
        expect(botResult.succeeded[0].ts).toBe(postsOf(viaBot)[0].ts);
        expect(postsOf(viaBot)).toHaveLength(1);

        expect(webhookResult.kinds()).toEqual(['failed']);
        expect(webhookResult.failures).toHaveLength(1);
        // The redelivery found the attempt unrecorded and did not post again. (`attempts` is the broker's delivery
        // count; nats-server 2.9.10 was seen to hand the message back from the killed process with count 1.)
        expect(webhookResult.failures[0].error).toMatchObject({
          code: SlackFailureCodes.OutcomeUnknown,
          retryable: false,
        });
        expect(postsOf(viaWebhook)).toHaveLength(1);
      },
    );

    inLane('slack', 'a 429 storm with Retry-After and 500s: one post, posted', async () => {
      const command = postCommand();
      const key = randomUUID();
      const result = results(key);
      // A mode scoped to the webhook's path wins over the global one: first a 500, then three 429s.
      slack.fail({ kind: 'server_error', status: 500, times: 1 }, { path: slack.webhookUrl() });
      slack.fail({ kind: 'rate_limit', retryAfterSeconds: 1, times: 3 });
      await send(Subjects.SlackPostMessage, command, key);
      await result.first();
      await settled('slack-post-message');
      expect(result.kinds()).toEqual(['succeeded']);
      expect(slack.received.filter((r) => r.body?.text === command.text).map((r) => r.status)).toEqual([
        500, 429, 429, 429, 200,
      ]);
      expect(postsOf(command)).toHaveLength(1);
    });

    inLane('slack', 'a lasting 500: failed after the last delivery, retryable, no post', async () => {
      const command = postCommand();
      const key = randomUUID();
      const result = results(key);
      slack.fail({ kind: 'server_error', status: 500 });
      await send(Subjects.SlackPostMessage, command, key);
      const outcome = await result.first();
      slack.heal(); // the failure lasted until the last delivery
      await settled('slack-post-message');
      expect(outcome).toBe('failed');
      expect(result.kinds()).toEqual(['failed']);
      expect(result.failures[0]).toMatchObject({
        error: { retryable: true, vendor_status: 500 },
        attempts: 5,
      });
      expect(postsOf(command)).toHaveLength(0);
    });

    inLane(
      'slack',
      'the same command twice (a redelivery, and a new envelope with the same key): one post, posted only',
      async () => {
        const command = postCommand();
        const key = randomUUID();
        const result = results(key);
        const envelope = await send(Subjects.SlackPostMessage, command, key);
        await nats.publish(Subjects.SlackPostMessage, envelope, { dedupe: false });
        await send(Subjects.SlackPostMessage, command, key);
        await waitFor(async () => result.count >= 2, { timeoutMs: SETTLE_MS });
        await settled('slack-post-message');
        expect(result.kinds()).toEqual(['succeeded']);
        expect(postsOf(command)).toHaveLength(1);
      },
    );
  });
});
