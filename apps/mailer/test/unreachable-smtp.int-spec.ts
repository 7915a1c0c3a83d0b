import { randomUUID } from 'node:crypto';
import {
  MailerFailureCodes,
  Queries,
  Subjects,
  type MailerEmailFailedV1,
  type MailerStatusView,
} from '@crm/contracts';
import { freePort, waitFor } from '@crm/testing';
import { MailerHarness } from './support/mailer-harness';

describe('mailer service whose SMTP server does not answer (as `npm start` on a machine without one)', () => {
  let h: MailerHarness;

  beforeAll(async () => {
    h = await MailerHarness.start({ SMTP_URL: `smtp://127.0.0.1:${await freePort()}` });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('is ready (database and broker) but reports SMTP not connected', async () => {
    const ready = await fetch(`http://127.0.0.1:${process.env.MAILER_PORT}/ready`);
    expect(ready.status).toBe(200);
    expect(await h.nats.request<MailerStatusView>(Queries.MailerStatus, {})).toEqual({
      configured: true,
      connected: false,
    });
  });

  it('retries a command through every delivery, then fails it as smtp_unavailable (retryable)', async () => {
    const key = `key-${randomUUID()}`;
    const failed = h.nats.collect<MailerEmailFailedV1>(
      Subjects.MailerEmailFailed,
      (e) => e.data.idempotency_key === key,
    );
    await h.nats.publish(
      Subjects.MailerSendEmail,
      h.nats.envelope(
        Subjects.MailerSendEmail,
        { to: 'jane@acme-bio.com', subject: 'Hi', html: '<p>Hi</p>' },
        { idempotencyKey: key },
      ),
    );
    const [event] = await waitFor(async () => failed.length > 0 && failed, {
      message: 'MailerEmailFailed',
      timeoutMs: 30_000,
    });
    expect(event.data.error).toMatchObject({ code: MailerFailureCodes.SmtpUnavailable, retryable: true });
    expect(event.data.error.message).toContain('gave up after 5 attempts');
    expect(event.data.attempts).toBe(5);
    expect(await h.delivery(key)).toMatchObject({
      status: 'failed',
      attempts: 5,
      error_code: 'smtp_unavailable',
    });
  });
});
