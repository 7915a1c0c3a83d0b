import { createTransport } from 'nodemailer';
import { FakeSmtpServer } from './fake-smtp.server';

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
}

describe('FakeSmtpServer', () => {
  let fake: FakeSmtpServer;

  beforeAll(async () => {
    fake = await FakeSmtpServer.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const client = (options: { socketTimeout?: number; url?: string } = {}) =>
    createTransport({
      url: options.url ?? fake.url(),
      connectionTimeout: 2_000,
      greetingTimeout: 2_000,
      socketTimeout: options.socketTimeout ?? 5_000,
    } as never);

  const email = (overrides: Record<string, unknown> = {}) => ({
    from: 'CRM <crm@example.com>',
    to: 'Jane Doe <jane@example.org>',
    subject: 'Your booking link',
    html: '<p>Hello <b>Jane</b></p>',
    text: 'Hello Jane',
    messageId: '<abc123@example.com>',
    headers: { 'X-Reference': 'run-1' },
    ...overrides,
  });

  async function rejection(promise: Promise<unknown>): Promise<SmtpError> {
    try {
      await promise;
    } catch (error) {
      return error as SmtpError;
    }
    throw new Error('expected the send to fail');
  }

  it('records an accepted email: envelope, from, to, subject, html, text, Message-ID and headers', async () => {
    const info = await client().sendMail(email());
    expect(info.response).toMatch(/^250 /);
    const [received] = await fake.waitForEmails(1);
    expect(received).toMatchObject({
      envelope: { from: 'crm@example.com', to: ['jane@example.org'] },
      from: 'crm@example.com',
      to: ['jane@example.org'],
      subject: 'Your booking link',
      html: '<p>Hello <b>Jane</b></p>',
      text: 'Hello Jane',
      messageId: '<abc123@example.com>',
    });
    expect(received.headers['x-reference']).toBe('run-1');
    expect(received.headers['message-id']).toBe('<abc123@example.com>');
    expect(received.raw).toContain('Subject: Your booking link');
    expect(fake.sessions.map((s) => s.outcome)).toEqual(['250']);
  });

  it('rejects the recipient with 550 5.1.1 and records nothing', async () => {
    fake.fail({ kind: 'reject_recipient', times: 1 });
    const error = await rejection(client().sendMail(email()));
    expect(error.responseCode).toBe(550);
    expect(error.response).toMatch(/^550 5\.1\.1 <jane@example\.org>/);
    expect(fake.received).toHaveLength(0);
    // `times: 1` heals after one session.
    await client().sendMail(email());
    expect(fake.received).toHaveLength(1);
  });

  it('answers 451 after the message (or at RCPT TO) while the temporary failure lasts', async () => {
    fake.fail({ kind: 'temporary', times: 1 });
    fake.fail({ kind: 'temporary', stage: 'rcpt', times: 1 });
    const afterData = await rejection(client().sendMail(email()));
    expect(afterData.responseCode).toBe(451);
    const atRcpt = await rejection(client().sendMail(email()));
    expect(atRcpt.responseCode).toBe(451);
    expect(fake.received).toHaveLength(0);
    await client().sendMail(email());
    expect(fake.sessions.map((s) => s.outcome)).toEqual(['451', '451', '250']);
  });

  it('rejects the message for good with 554 5.7.1', async () => {
    fake.fail({ kind: 'reject_message' });
    const error = await rejection(client().sendMail(email()));
    expect(error.responseCode).toBe(554);
    expect(error.response).toContain('5.7.1');
    fake.heal();
    await client().sendMail(email());
    expect(fake.received).toHaveLength(1);
  });

  it('drops the connection before the greeting, or after the message without recording it', async () => {
    fake.fail({ kind: 'drop', times: 1 });
    fake.fail({ kind: 'drop', stage: 'data', times: 1 });
    const atConnect = await rejection(client().sendMail(email()));
    expect(atConnect.responseCode).toBeUndefined();
    expect(atConnect.code).toBeDefined();
    const afterData = await rejection(client().sendMail(email()));
    expect(afterData.responseCode).toBeUndefined();
    expect(fake.received).toHaveLength(0);
    expect(fake.sessions.map((s) => s.outcome)).toEqual(['dropped', 'dropped']);
  });

  it('replies slowly, so a client with a shorter socket timeout gives up', async () => {
    fake.fail({ kind: 'slow', delayMs: 1_500, times: 1 });
    const error = await rejection(client({ socketTimeout: 300 }).sendMail(email()));
    expect(error.code).toBe('ETIMEDOUT');
    expect(fake.received).toHaveLength(0);
  });

  it('hold_accept: takes and records the email, but a client that gives up before the held 250 cannot know', async () => {
    fake.fail({ kind: 'hold_accept', delayMs: 1_500, times: 1 });
    const error = await rejection(client({ socketTimeout: 300 }).sendMail(email()));
    expect(error.code).toBe('ETIMEDOUT');
    expect(fake.received).toHaveLength(1);
    expect(fake.sessions.map((s) => s.outcome)).toEqual(['250']);
    // Healed after one session: the next email is answered at once.
    expect((await client().sendMail(email())).response).toMatch(/^250 /);
  });

  it('checks credentials when started with auth', async () => {
    const secured = await FakeSmtpServer.start({ auth: { user: 'mailer', pass: 's3cret' } });
    try {
      const wrong = await rejection(
        client({ url: secured.url({ user: 'mailer', pass: 'wrong' }) }).sendMail(email()),
      );
      expect(wrong.responseCode).toBe(535);
      await client({ url: secured.url({ user: 'mailer', pass: 's3cret' }) }).sendMail(email());
      expect(secured.received).toHaveLength(1);
    } finally {
      await secured.close();
    }
  });
});
