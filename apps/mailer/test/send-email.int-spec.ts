import { randomUUID } from 'node:crypto';
import {
  MailerFailureCodes,
  Subjects,
  type MailerEmailFailedV1,
  type MailerEmailSentV1,
  type MailerSendEmailV1,
} from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { messageIdFor } from '../src/delivery/message-id';
import { MAIL_FROM_DOMAIN, MailerHarness } from './support/mailer-harness';

describe('mailer service: send-email commands (real NATS + Postgres, fake SMTP)', () => {
  let h: MailerHarness;

  beforeAll(async () => {
    h = await MailerHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => h.smtp.reset());

  function inline(overrides: Partial<MailerSendEmailV1> = {}): MailerSendEmailV1 {
    return {
      to: 'jane.doe@acme-bio.com',
      to_name: 'Jane Doe',
      subject: 'Hello {FIRST_NAME}',
      html: '<p>Hello <b>{FIRST_NAME}</b></p>',
      variables: { FIRST_NAME: 'Jane' },
      reference: randomUUID(),
      ...overrides,
    };
  }

  async function send(data: MailerSendEmailV1, key: string, options: { id?: string; dedupe?: boolean } = {}) {
    const envelope = h.nats.envelope(Subjects.MailerSendEmail, data, { idempotencyKey: key, id: options.id });
    await h.nats.publish(Subjects.MailerSendEmail, envelope, { dedupe: options.dedupe });
    return envelope;
  }

  /** Results for one key only: a late result of an earlier test must not count. */
  const forKey = (key: string) => (e: { data: { idempotency_key: string } }) =>
    e.data.idempotency_key === key;
  const sentEvents = (key: string) =>
    h.nats.collect<MailerEmailSentV1>(Subjects.MailerEmailSent, forKey(key));
  const failedEvents = (key: string) =>
    h.nats.collect<MailerEmailFailedV1>(Subjects.MailerEmailFailed, forKey(key));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 800));

  it('sends one email with HTML and text parts and the key-derived Message-ID, and publishes MailerEmailSent', async () => {
    const key = `key-${randomUUID()}`;
    const sent = sentEvents(key);
    const data = inline();
    await send(data, key);

    const [email] = await h.smtp.waitForEmails(1);
    const messageId = messageIdFor(key, MAIL_FROM_DOMAIN);
    expect(email).toMatchObject({
      envelope: { from: `crm@${MAIL_FROM_DOMAIN}`, to: ['jane.doe@acme-bio.com'] },
      to: ['jane.doe@acme-bio.com'],
      subject: 'Hello Jane',
      html: '<p>Hello <b>Jane</b></p>',
      text: 'Hello Jane',
      messageId,
    });
    expect(email.headers.to).toContain('Jane Doe');

    const [event] = await waitFor(async () => sent.length > 0 && sent, { message: 'MailerEmailSent' });
    const row = await h.delivery(key);
    expect(event.data).toEqual({
      idempotency_key: key,
      reference: data.reference,
      delivery_id: row!.id,
      message_id: messageId,
      attempts: 1,
    });
    expect(row).toMatchObject({
      status: 'sent',
      attempts: 1,
      recipient: 'jane.doe@acme-bio.com',
      subject: 'Hello Jane',
      message_id: messageId,
      smtp_status: 250,
    });
    expect(String(row!.smtp_response)).toMatch(/^250 /);
  });

  it('renders a stored template: variables escaped in the HTML, plain in the derived text and the subject', async () => {
    const key = `key-${randomUUID()}`;
    await send(
      {
        to: 'lead@acme-bio.com',
        template_key: 'booking_invitation',
        variables: {
          FIRST_NAME: 'Jane <b>& Joe</b>',
          COMPANY_NAME: 'DNA ME',
          BOOKING_LINK: 'https://book.example.com/?lead=1&slot=2',
          OWNER_NAME: 'Max',
        },
      },
      key,
    );
    const [email] = await h.smtp.waitForEmails(1);
    expect(email.subject).toBe('Jane <b>& Joe</b>, book your appointment with DNA ME');
    expect(email.html).toContain('Hello Jane &lt;b&gt;&amp; Joe&lt;/b&gt;,');
    expect(email.html).toContain('<a href="https://book.example.com/?lead=1&amp;slot=2">');
    expect(email.text).toContain('Hello Jane <b>& Joe</b>,');
    expect(email.text).toContain('https://book.example.com/?lead=1&slot=2');
    expect(email.text).not.toContain('<p>');
  });

  it('sends once when the same command is delivered twice, and once more never for a later command with the key', async () => {
    const key = `key-${randomUUID()}`;
    const sent = sentEvents(key);
    const id = randomUUID();
    await send(inline(), key, { id, dedupe: false });
    await send(inline(), key, { id, dedupe: false });
    await h.smtp.waitForEmails(1);
    await waitFor(async () => sent.length >= 1);
    await settle();
    expect(h.smtp.received).toHaveLength(1);
    expect(sent).toHaveLength(1);

    // A new command (new envelope) with the key: nothing is sent, the result is published again.
    const again = inline();
    await send(again, key);
    await waitFor(async () => sent.length >= 2, { message: 'second MailerEmailSent' });
    await settle();
    expect(h.smtp.received).toHaveLength(1);
    expect(sent[1].data).toMatchObject({ reference: again.reference, message_id: sent[0].data.message_id });
    expect(await h.delivery(key)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('retries a 451 through the queue: one email, attempts 2', async () => {
    const key = `key-${randomUUID()}`;
    const sent = sentEvents(key);
    h.smtp.fail({ kind: 'temporary', times: 1 });
    await send(inline(), key);

    const [event] = await waitFor(async () => sent.length > 0 && sent, { message: 'MailerEmailSent' });
    expect(event.data.attempts).toBe(2);
    expect(h.smtp.sessions.map((s) => s.outcome)).toEqual(['451', '250']);
    expect(h.smtp.received).toHaveLength(1);
    expect(await h.delivery(key)).toMatchObject({ status: 'sent', attempts: 2, error_code: null });
  });

  it('records a 550 5.1.1 recipient rejection as bounced and publishes MailerEmailFailed, without retrying', async () => {
    const key = `key-${randomUUID()}`;
    const failed = failedEvents(key);
    h.smtp.fail({ kind: 'reject_recipient' });
    await send(inline({ to: 'nobody@acme-bio.com' }), key);

    const [event] = await waitFor(async () => failed.length > 0 && failed, { message: 'MailerEmailFailed' });
    const row = await h.delivery(key);
    expect(event.data).toMatchObject({
      idempotency_key: key,
      delivery_id: row!.id,
      error: { code: MailerFailureCodes.RecipientRejected, retryable: false, vendor_status: 550 },
      attempts: 1,
    });
    expect(event.data.error.message).toContain('5.1.1');
    expect(row).toMatchObject({ status: 'bounced', attempts: 1, smtp_status: 550, retryable: false });
    expect(String(row!.smtp_response)).toMatch(/^550 5\.1\.1/);
    await settle();
    expect(h.smtp.sessions.map((s) => s.outcome)).toEqual(['550']);
    expect(h.smtp.received).toHaveLength(0);
  });

  it('fails a permanent 554 at once as smtp_rejected', async () => {
    const key = `key-${randomUUID()}`;
    const failed = failedEvents(key);
    h.smtp.fail({ kind: 'reject_message' });
    await send(inline(), key);
    const [event] = await waitFor(async () => failed.length > 0 && failed, { message: 'MailerEmailFailed' });
    expect(event.data.error).toMatchObject({ code: MailerFailureCodes.SmtpRejected, vendor_status: 554 });
    expect(await h.delivery(key)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(h.smtp.sessions).toHaveLength(1);
  });

  it('fails an unknown template with template_not_found and sends nothing', async () => {
    const key = `key-${randomUUID()}`;
    const failed = failedEvents(key);
    await send({ to: 'lead@acme-bio.com', template_key: 'no_such_template' }, key);
    const [event] = await waitFor(async () => failed.length > 0 && failed, { message: 'MailerEmailFailed' });
    expect(event.data.error).toMatchObject({
      code: MailerFailureCodes.TemplateNotFound,
      retryable: false,
      vendor_status: null,
    });
    expect(event.data.error.message).toContain('no_such_template');
    expect(await h.delivery(key)).toMatchObject({
      status: 'failed',
      attempts: 0,
      error_code: 'template_not_found',
    });
    expect(h.smtp.sessions).toHaveLength(0);
  });

  it('a database failure after the server took the email: no second email, the outcome is reported unknown', async () => {
    const key = `key-${randomUUID()}`;
    const failed = failedEvents(key);
    await h.failSentWrite(key);
    await send(inline(), key);

    const [event] = await waitFor(async () => failed.length > 0 && failed, { message: 'MailerEmailFailed' });
    expect(event.data.error).toMatchObject({ code: MailerFailureCodes.OutcomeUnknown, retryable: false });
    expect(h.smtp.received).toHaveLength(1);
    expect(await h.delivery(key)).toMatchObject({
      status: 'failed',
      error_code: 'outcome_unknown',
      attempts: 1,
    });

    // Someone who checked retries deliberately with a new command: it is sent.
    const sent = sentEvents(key);
    await send(inline(), key);
    await waitFor(async () => sent.length > 0, { message: 'MailerEmailSent after the retry' });
    expect(h.smtp.received).toHaveLength(2);
    expect(h.smtp.received[1].messageId).toBe(h.smtp.received[0].messageId);
  });

  it('a connection dropped after the whole message was sent is reported outcome_unknown, not retried', async () => {
    const key = `key-${randomUUID()}`;
    const failed = failedEvents(key);
    h.smtp.fail({ kind: 'drop', stage: 'data' });
    await send(inline(), key);
    const [event] = await waitFor(async () => failed.length > 0 && failed, { message: 'MailerEmailFailed' });
    expect(event.data.error.code).toBe(MailerFailureCodes.OutcomeUnknown);
    await settle();
    expect(h.smtp.sessions.map((s) => s.outcome)).toEqual(['dropped']);
  });

  it('retries a connection dropped before the greeting (nothing can have been sent)', async () => {
    const key = `key-${randomUUID()}`;
    const sent = sentEvents(key);
    h.smtp.fail({ kind: 'drop', stage: 'connect', times: 1 });
    await send(inline(), key);
    const [event] = await waitFor(async () => sent.length > 0 && sent, { message: 'MailerEmailSent' });
    expect(event.data.attempts).toBe(2);
    expect(h.smtp.sessions.map((s) => s.outcome)).toEqual(['dropped', '250']);
    expect(h.smtp.received).toHaveLength(1);
  });
});
