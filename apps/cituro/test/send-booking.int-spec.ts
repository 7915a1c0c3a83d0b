import { randomUUID } from 'node:crypto';
import {
  Subjects,
  type CituroBookingInvitationFailedV1,
  type CituroBookingInvitationSentV1,
  type CituroSendBookingV1,
  type MailerSendEmailV1,
} from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { BOOKING_URL, CituroHarness } from './support/cituro-harness';

describe('cituro service: send_booking commands (real NATS + Postgres, fake Cituro)', () => {
  let h: CituroHarness;

  beforeAll(async () => {
    h = await CituroHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => h.fake.reset());

  function command(overrides: Partial<CituroSendBookingV1> = {}): CituroSendBookingV1 {
    const n = randomUUID().slice(0, 8);
    return {
      lead_id: randomUUID(),
      email: `lead-${n}@example.com`,
      first_name: 'Jana',
      last_name: 'Berg',
      company: 'Acme Bio',
      deal_id: randomUUID(),
      reference: randomUUID(),
      ...overrides,
    };
  }

  async function send(
    data: CituroSendBookingV1,
    key: string,
    options: { id?: string; dedupe?: boolean } = {},
  ) {
    const envelope = h.nats.envelope(Subjects.CituroSendBooking, data, {
      idempotencyKey: key,
      id: options.id,
    });
    await h.nats.publish(Subjects.CituroSendBooking, envelope, { dedupe: options.dedupe });
    return envelope;
  }

  const forKey = (key: string) => (e: { data: { idempotency_key: string } }) =>
    e.data.idempotency_key === key;

  describe('unconfigured', () => {
    it('fails with INTEGRATION_NOT_CONFIGURED, not retryable, and calls neither Cituro nor the mailer', async () => {
      const key = `key-${randomUUID()}`;
      const failed = h.nats.collect<CituroBookingInvitationFailedV1>(
        Subjects.CituroBookingInvitationFailed,
        forKey(key),
      );
      const mails = h.nats.collect<MailerSendEmailV1>(Subjects.MailerSendEmail);
      const data = command();
      await send(data, key);
      const [event] = await waitFor(async () => failed.length > 0 && failed, {
        message: 'invitation failed',
      });
      expect(event.data).toEqual({
        idempotency_key: key,
        reference: data.reference,
        lead_id: data.lead_id,
        deal_id: data.deal_id,
        error: {
          code: 'INTEGRATION_NOT_CONFIGURED',
          message: expect.any(String),
          retryable: false,
          vendor_status: null,
        },
        attempts: 1,
      });
      expect(h.fake.received).toHaveLength(0);
      expect(mails).toHaveLength(0);
    });
  });

  describe('configured', () => {
    beforeAll(async () => {
      await h.configureFully();
    });

    it('creates the customer, asks the mailer for the booking email and reports the customer id', async () => {
      const key = `key-${randomUUID()}`;
      const sent = h.nats.collect<CituroBookingInvitationSentV1>(
        Subjects.CituroBookingInvitationSent,
        forKey(key),
      );
      const mails = h.nats.collect<MailerSendEmailV1>(Subjects.MailerSendEmail);
      const data = command();
      await send(data, key);
      const [event] = await waitFor(async () => sent.length > 0 && sent, { message: 'invitation sent' });
      const [customer] = h.fake.customers();
      expect(customer).toMatchObject({ email: data.email, firstName: 'Jana', lastName: 'Berg' });
      expect(event.data).toEqual({
        idempotency_key: key,
        reference: data.reference,
        lead_id: data.lead_id,
        deal_id: data.deal_id,
        customer_id: customer.id,
        mail_idempotency_key: `cituro.booking_invitation:${key}`,
        attempts: 1,
      });
      const [mail] = await waitFor(async () => mails.length > 0 && mails, { message: 'mailer command' });
      expect(mail.idempotency_key).toBe(`cituro.booking_invitation:${key}`);
      expect(mail.data).toMatchObject({ to: data.email, to_name: 'Jana Berg', lead_id: data.lead_id });
      expect(mail.data.html).toContain(`href="${BOOKING_URL}"`);
      expect(mail.data.html).not.toContain('{BOOKING_LINK}');
      // lookup before create
      expect(h.fake.received.map((r) => r.method)).toEqual(['GET', 'POST']);
      const [link] = await h.query('SELECT customer_id FROM cituro.customer_links WHERE lead_id = $1', [
        data.lead_id,
      ]);
      expect(link).toEqual({ customer_id: customer.id });
    });

    it('redelivered (same envelope, and a new envelope with the same key): one customer, one mailer command', async () => {
      const key = `key-${randomUUID()}`;
      const sent = h.nats.collect<CituroBookingInvitationSentV1>(
        Subjects.CituroBookingInvitationSent,
        forKey(key),
      );
      const mails = h.nats.collect<MailerSendEmailV1>(
        Subjects.MailerSendEmail,
        (e) => e.idempotency_key === `cituro.booking_invitation:${key}`,
      );
      const data = command();
      const first = await send(data, key);
      await send(data, key, { id: first.id, dedupe: false });
      await waitFor(async () => sent.length > 0, { message: 'first result' });
      // Both copies acked (the command stream is a work queue): the duplicate was handled before we look.
      await waitFor(async () => (await h.nats.streamMessages('CITURO_CMD')) === 0, {
        message: 'copies acked',
      });
      await send(data, key); // a new envelope (a retry by the requester) under the same key
      await waitFor(async () => sent.length > 1, { message: 'result repeated for the retry' });
      expect(new Set(sent.map((e) => e.data.customer_id)).size).toBe(1);
      expect(h.fake.customers()).toHaveLength(1);
      expect(h.fake.requests('POST', '/customers')).toHaveLength(1);
      expect(mails).toHaveLength(1);
      const rows = await h.query('SELECT * FROM cituro.invitations WHERE idempotency_key = $1', [key]);
      expect(rows).toHaveLength(1);
    });

    it('uses a trigger’s own subject and HTML when the command carries them', async () => {
      const key = `key-${randomUUID()}`;
      const mails = h.nats.collect<MailerSendEmailV1>(
        Subjects.MailerSendEmail,
        (e) => e.idempotency_key === `cituro.booking_invitation:${key}`,
      );
      await send(
        command({ email_subject: 'Your demo', email_html: '<p>Pick a slot: {BOOKING_LINK}</p>' }),
        key,
      );
      const [mail] = await waitFor(async () => mails.length > 0 && mails, { message: 'mailer command' });
      expect(mail.data).toMatchObject({ subject: 'Your demo', html: `<p>Pick a slot: ${BOOKING_URL}</p>` });
    });

    it('uses the stored mapping for a lead it knows, without asking Cituro again', async () => {
      const data = command();
      const firstKey = `key-${randomUUID()}`;
      const secondKey = `key-${randomUUID()}`;
      const sent = h.nats.collect<CituroBookingInvitationSentV1>(Subjects.CituroBookingInvitationSent);
      await send(data, firstKey);
      await waitFor(async () => sent.some(forKey(firstKey)), { message: 'first invitation' });
      const callsBefore = h.fake.received.length;
      await send(data, secondKey);
      await waitFor(async () => sent.some(forKey(secondKey)), { message: 'second invitation' });
      expect(h.fake.received.length).toBe(callsBefore);
      expect(sent.find(forKey(secondKey))!.data.customer_id).toBe(
        sent.find(forKey(firstKey))!.data.customer_id,
      );
    });

    it('finds an existing Cituro customer by email instead of creating one', async () => {
      const data = command();
      const existing = h.fake.seedCustomer({ email: data.email });
      const key = `key-${randomUUID()}`;
      const sent = h.nats.collect<CituroBookingInvitationSentV1>(
        Subjects.CituroBookingInvitationSent,
        forKey(key),
      );
      await send(data, key);
      const [event] = await waitFor(async () => sent.length > 0 && sent, { message: 'invitation sent' });
      expect(event.data.customer_id).toBe(existing.id);
      expect(h.fake.requests('POST', '/customers')).toHaveLength(0);
    });

    it('after a lost create answer and a 429, the retries still make exactly one customer', async () => {
      h.fake.fail(
        { kind: 'timeout', ms: 3_000, afterHandling: true, times: 1 },
        { path: '/customers', method: 'POST' },
      );
      h.fake.fail(
        { kind: 'rate_limit', retryAfterSeconds: 0, times: 1 },
        { path: '/customers', method: 'GET' },
      );
      const key = `key-${randomUUID()}`;
      const sent = h.nats.collect<CituroBookingInvitationSentV1>(
        Subjects.CituroBookingInvitationSent,
        forKey(key),
      );
      const data = command();
      await send(data, key);
      await waitFor(async () => sent.length > 0, { message: 'invitation sent', timeoutMs: 20_000 });
      expect(h.fake.customers().filter((c) => c.email === data.email)).toHaveLength(1);
      expect(h.fake.requests('POST', '/customers')).toHaveLength(1);
    });

    it('a key Cituro refuses fails the command at once, not retryable', async () => {
      await h.configure({ api_key: 'ak_refused' });
      try {
        const key = `key-${randomUUID()}`;
        const failed = h.nats.collect<CituroBookingInvitationFailedV1>(
          Subjects.CituroBookingInvitationFailed,
          forKey(key),
        );
        await send(command(), key);
        const [event] = await waitFor(async () => failed.length > 0 && failed, {
          message: 'invitation failed',
        });
        expect(event.data.error).toMatchObject({
          code: 'cituro_unauthorized',
          retryable: false,
          vendor_status: 401,
        });
      } finally {
        await h.configureFully();
      }
    });
  });
});
