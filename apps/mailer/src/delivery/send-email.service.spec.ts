import { MailerFailureCodes, Subjects } from '@crm/contracts';
import { TransientError, type Outbox } from '@crm/messaging';
import { loadConfig, type AppLogger } from '@crm/service-kit';
import { MailerConfig } from '../config/mailer.config';
import type { MailTemplatesService } from '../templates/mail-templates.service';
import type { SendEmailInput } from './dto/send-email.input';
import type { EmailDeliveryEntity } from './email-delivery.entity';
import type {
  AttemptClaim,
  EmailDeliveryRepository,
  FailedRecord,
  SentRecord,
} from './email-delivery.repository';
import { SendEmailService } from './send-email.service';
import { SmtpDeliveryError, type MailTransport, type OutgoingEmail } from './smtp/mail-transport';

/** An in-memory delivery log with the repository's contract (no transactions: nothing is rolled back). */
class FakeDeliveries {
  rows = new Map<string, Partial<EmailDeliveryEntity>>();
  async lockKey() {}
  async findByKey(key: string) {
    return (this.rows.get(key) as EmailDeliveryEntity | undefined) ?? null;
  }
  async claimNow(c: AttemptClaim) {
    const row = this.rows.get(c.idempotencyKey);
    const next = {
      ...row,
      id: row?.id ?? 'delivery-1',
      status: 'sending' as const,
      attempts: (row?.attempts ?? 0) + 1,
      message_id: c.messageId,
      recipient: c.recipient,
    };
    this.rows.set(c.idempotencyKey, next);
    return next as EmailDeliveryEntity;
  }
  async recordSent(r: SentRecord) {
    this.rows.set(r.idempotencyKey, { ...this.rows.get(r.idempotencyKey), status: 'sent' });
  }
  async recordFailed(r: FailedRecord) {
    const next = {
      ...this.rows.get(r.idempotencyKey),
      id: 'delivery-1',
      status: r.status,
      error_code: r.code,
      smtp_status: r.smtpStatus,
    };
    this.rows.set(r.idempotencyKey, next);
    return next as EmailDeliveryEntity;
  }
  recordFailedNow(r: FailedRecord) {
    return this.recordFailed(r);
  }
}

class ScriptedTransport implements MailTransport {
  sent: OutgoingEmail[] = [];
  constructor(private readonly outcome: () => string = () => '250 2.0.0 Ok') {}
  async send(email: OutgoingEmail) {
    this.sent.push(email);
    return { response: this.outcome() };
  }
  async verify() {
    return true;
  }
}

const silentLogger = {
  child: () => ({ info: () => undefined, warn: () => undefined, error: () => undefined }),
} as unknown as AppLogger;

function setup(transport: MailTransport, templates: Record<string, { subject: string; html: string }> = {}) {
  const deliveries = new FakeDeliveries();
  const published: { subject: string; data: Record<string, unknown> }[] = [];
  const outbox = {
    publish: async (subject: string, data: Record<string, unknown>) => {
      published.push({ subject, data });
      return 'id';
    },
  } as unknown as Outbox;
  const templateService = {
    find: async (key: string) => (templates[key] ? { ...templates[key], text: null } : null),
  } as unknown as MailTemplatesService;
  const service = new SendEmailService(
    deliveries as unknown as EmailDeliveryRepository,
    templateService,
    transport,
    outbox,
    loadConfig(MailerConfig, { MAIL_FROM: 'CRM <crm@acme.test>' }),
    silentLogger,
  );
  return { service, deliveries, published };
}

const input = (overrides: Partial<SendEmailInput> = {}): SendEmailInput => ({
  idempotencyKey: 'key-1',
  command: {
    to: 'jane@acme-bio.com',
    subject: 'Hi {FIRST_NAME}',
    html: '<p>Hi {FIRST_NAME}</p>',
    variables: { FIRST_NAME: 'Jane' },
  },
  deliveryCount: 1,
  isLastAttempt: false,
  ...overrides,
});

const failing = (error: Error) => () => {
  throw error;
};

describe('SendEmailService', () => {
  it('sends the rendered email with a Message-ID from the key and the MAIL_FROM domain, then publishes MailerEmailSent', async () => {
    const transport = new ScriptedTransport();
    const { service, deliveries, published } = setup(transport);
    await service.sendEmail(input());
    expect(transport.sent).toEqual([
      {
        to: { address: 'jane@acme-bio.com', name: null },
        subject: 'Hi Jane',
        html: '<p>Hi Jane</p>',
        text: 'Hi Jane',
        messageId: expect.stringMatching(/^<[0-9a-f]{40}@acme\.test>$/),
      },
    ]);
    expect(deliveries.rows.get('key-1')).toMatchObject({ status: 'sent', attempts: 1 });
    expect(published).toEqual([
      {
        subject: Subjects.MailerEmailSent,
        data: {
          idempotency_key: 'key-1',
          reference: null,
          delivery_id: 'delivery-1',
          message_id: transport.sent[0].messageId,
          attempts: 1,
        },
      },
    ]);
  });

  it('sends nothing for a key already sent, and publishes the result again', async () => {
    const transport = new ScriptedTransport();
    const { service, deliveries, published } = setup(transport);
    deliveries.rows.set('key-1', { id: 'd-9', status: 'sent', attempts: 2, message_id: '<m@acme.test>' });
    await service.sendEmail(input());
    expect(transport.sent).toEqual([]);
    expect(published).toEqual([
      {
        subject: Subjects.MailerEmailSent,
        data: expect.objectContaining({ delivery_id: 'd-9', message_id: '<m@acme.test>', attempts: 2 }),
      },
    ]);
  });

  it('does not send again when an earlier attempt was left `sending`: outcome_unknown, not retryable', async () => {
    const transport = new ScriptedTransport();
    const { service, deliveries, published } = setup(transport);
    deliveries.rows.set('key-1', { id: 'd-1', status: 'sending', attempts: 1, message_id: '<m@acme.test>' });
    await service.sendEmail(input({ deliveryCount: 2 }));
    expect(transport.sent).toEqual([]);
    expect(deliveries.rows.get('key-1')).toMatchObject({ status: 'failed', error_code: 'outcome_unknown' });
    expect(published[0]).toMatchObject({
      subject: Subjects.MailerEmailFailed,
      data: { error: { code: MailerFailureCodes.OutcomeUnknown, retryable: false }, attempts: 1 },
    });
  });

  it('does not send to an address that bounced under this key; reports the bounce again', async () => {
    const transport = new ScriptedTransport();
    const { service, deliveries, published } = setup(transport);
    deliveries.rows.set('key-1', {
      status: 'bounced',
      attempts: 1,
      error_code: MailerFailureCodes.RecipientRejected,
      error_message: 'SMTP server answered 550 5.1.1',
      smtp_status: 550,
    });
    await service.sendEmail(input());
    expect(transport.sent).toEqual([]);
    expect(published[0].data).toMatchObject({
      error: { code: MailerFailureCodes.RecipientRejected, vendor_status: 550, retryable: false },
    });
  });

  it('throws a TransientError for a 4xx (queue retries), and fails as smtp_unavailable on the last delivery', async () => {
    const busy = new SmtpDeliveryError('transient', 451, '451 4.3.0 Try later', 'SMTP server answered 451');
    const first = setup(new ScriptedTransport(failing(busy)));
    await expect(first.service.sendEmail(input())).rejects.toBeInstanceOf(TransientError);
    expect(first.deliveries.rows.get('key-1')).toMatchObject({
      status: 'failed',
      error_code: 'smtp_unavailable',
    });
    expect(first.published).toEqual([]);

    const last = setup(new ScriptedTransport(failing(busy)));
    await last.service.sendEmail(input({ deliveryCount: 5, isLastAttempt: true }));
    expect(last.published[0].data).toMatchObject({
      error: {
        code: MailerFailureCodes.SmtpUnavailable,
        retryable: true,
        vendor_status: 451,
        message: expect.stringContaining('gave up after 5 attempts'),
      },
    });
  });

  it('reports an unexpected transport error as outcome_unknown rather than sending again', async () => {
    const { service, published } = setup(new ScriptedTransport(failing(new Error('boom'))));
    await service.sendEmail(input());
    expect(published[0].data).toMatchObject({ error: { code: MailerFailureCodes.OutcomeUnknown } });
  });

  it('fails a missing template with template_not_found, before any attempt', async () => {
    const transport = new ScriptedTransport();
    const { service, deliveries, published } = setup(transport, {
      welcome: { subject: 'Welcome', html: '<p>x</p>' },
    });
    await service.sendEmail(input({ command: { to: 'jane@acme-bio.com', template_key: 'gone' } }));
    expect(transport.sent).toEqual([]);
    expect(deliveries.rows.get('key-1')).toMatchObject({
      status: 'failed',
      error_code: 'template_not_found',
    });
    expect(published[0].data).toMatchObject({ error: { code: MailerFailureCodes.TemplateNotFound } });
  });
});
