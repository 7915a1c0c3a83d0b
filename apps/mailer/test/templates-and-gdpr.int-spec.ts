import { randomUUID } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  MailerErrorCodes,
  Queries,
  Subjects,
  type LeadErasureConfirmedV1,
  type MailerEmailSentV1,
  type MailerGdprExportView,
  type MailerStatusView,
  type MailTemplateListView,
  type MailTemplateView,
} from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { MailerHarness } from './support/mailer-harness';

const actor = { type: 'user', id: randomUUID(), name: 'Admin' };

describe('mailer service: templates, GDPR erasure and export, status (real NATS + Postgres, fake SMTP)', () => {
  let h: MailerHarness;

  beforeAll(async () => {
    h = await MailerHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => h.smtp.reset());

  async function rejection(promise: Promise<unknown>): Promise<DomainError> {
    try {
      await promise;
    } catch (error) {
      return error as DomainError;
    }
    throw new Error('expected the request to fail');
  }

  const forKey = (key: string) => (e: { data: { idempotency_key: string } }) =>
    e.data.idempotency_key === key;

  it('lists the seeded templates with the variables they use', async () => {
    const { data } = await h.nats.request<MailTemplateListView>(Queries.MailerListTemplates, {});
    const byKey = Object.fromEntries(data.map((t) => [t.key, t]));
    expect(byKey.booking_invitation.variables).toEqual(
      expect.arrayContaining(['BOOKING_LINK', 'FIRST_NAME', 'COMPANY_NAME']),
    );
    expect(byKey.deal_notification.variables).toEqual(expect.arrayContaining(['DEAL_NAME', 'STAGE_NAME']));
    expect(byKey.booking_invitation.text).toBeNull();
  });

  it('refuses a template without subject or html (VALIDATION_ERROR) or with a line break in the subject, changing nothing', async () => {
    const before = await h.nats.request<MailTemplateView>(Queries.MailerGetTemplate, {
      key: 'deal_notification',
    });
    const noHtml = await rejection(
      h.nats.request(Queries.MailerUpsertTemplate, {
        actor,
        key: 'deal_notification',
        body: { subject: 'New subject', html: '  ' },
      }),
    );
    expect(noHtml).toMatchObject({ code: ErrorCode.ValidationError, status: 400 });
    const noSubject = await rejection(
      h.nats.request(Queries.MailerUpsertTemplate, {
        actor,
        key: 'deal_notification',
        body: { html: '<p>x</p>' },
      }),
    );
    expect(noSubject).toMatchObject({ code: ErrorCode.ValidationError, status: 400 });
    const twoLines = await rejection(
      h.nats.request(Queries.MailerUpsertTemplate, {
        actor,
        key: 'deal_notification',
        body: { subject: 'Deal\nBcc: x@example.com', html: '<p>x</p>' },
      }),
    );
    expect(twoLines).toMatchObject({ code: MailerErrorCodes.TemplateInvalid, status: 400 });
    const badKey = await rejection(
      h.nats.request(Queries.MailerUpsertTemplate, {
        actor,
        key: 'Bad Key',
        body: { subject: 's', html: 'h' },
      }),
    );
    expect(badKey).toMatchObject({ code: ErrorCode.ValidationError, status: 400 });
    expect(await h.nats.request(Queries.MailerGetTemplate, { key: 'deal_notification' })).toEqual(before);
  });

  it('answers NOT_FOUND for an unknown template', async () => {
    const error = await rejection(h.nats.request(Queries.MailerGetTemplate, { key: 'no_such_template' }));
    expect(error).toMatchObject({ code: ErrorCode.NotFound, status: 404 });
  });

  it('creates and edits a template (any variable allowed) and sends with the edited content', async () => {
    const key = `welcome_${randomUUID().slice(0, 8)}`;
    const created = await h.nats.request<MailTemplateView>(Queries.MailerUpsertTemplate, {
      actor,
      key,
      body: { name: 'Welcome', subject: 'Welcome {NAME}', html: '<p>v1 {NAME}</p>' },
    });
    expect(created).toMatchObject({ key, name: 'Welcome', variables: ['NAME'], text: null });
    const edited = await h.nats.request<MailTemplateView>(Queries.MailerUpsertTemplate, {
      actor,
      key,
      body: { subject: 'Welcome {NAME}', html: '<p>v2 {NAME} {ANY_NEW_VARIABLE}</p>', text: 'v2 {NAME}' },
    });
    expect(edited).toMatchObject({
      name: 'Welcome',
      variables: ['ANY_NEW_VARIABLE', 'NAME'],
      text: 'v2 {NAME}',
    });

    const idempotencyKey = `key-${randomUUID()}`;
    await h.nats.publish(
      Subjects.MailerSendEmail,
      h.nats.envelope(
        Subjects.MailerSendEmail,
        { to: 'jane@acme-bio.com', template_key: key, variables: { NAME: 'Jane' } },
        { idempotencyKey },
      ),
    );
    const [email] = await h.smtp.waitForEmails(1);
    expect(email.html).toBe('<p>v2 Jane </p>');
    expect(email.text).toBe('v2 Jane');
  });

  it('counts the lead’s emails for a GDPR export, and erases recipient and content on lead.erased, confirming to leads', async () => {
    const leadId = randomUUID();
    const idempotencyKey = `key-${randomUUID()}`;
    const sent = h.nats.collect<MailerEmailSentV1>(Subjects.MailerEmailSent, forKey(idempotencyKey));
    const command = {
      to: 'erase.me@acme-bio.com',
      to_name: 'Erase Me',
      template_key: 'booking_invitation',
      variables: { FIRST_NAME: 'Erase', BOOKING_LINK: 'https://book.example.com/x' },
      lead_id: leadId,
    };
    await h.nats.publish(
      Subjects.MailerSendEmail,
      h.nats.envelope(Subjects.MailerSendEmail, command, { idempotencyKey }),
    );
    await waitFor(async () => sent.length > 0, { message: 'MailerEmailSent' });
    expect(await h.nats.request<MailerGdprExportView>(Queries.MailerGdprExport, { lead_id: leadId })).toEqual(
      {
        emails: 1,
      },
    );
    expect(await h.nats.request(Queries.MailerGdprExport, { lead_id: randomUUID() })).toEqual({ emails: 0 });

    const erasureId = randomUUID();
    const confirmations = h.nats.collect<LeadErasureConfirmedV1>(
      Subjects.MailerLeadErased,
      (e) => e.data.erasure_id === erasureId,
    );
    await h.nats.publish(
      Subjects.LeadErased,
      h.nats.envelope(Subjects.LeadErased, {
        erasure_id: erasureId,
        lead_id: leadId,
        erased_at: new Date().toISOString(),
      }),
    );
    const [confirmation] = await waitFor(async () => confirmations.length > 0 && confirmations, {
      message: 'mailer.lead.erased.v1',
    });
    expect(confirmation.data).toMatchObject({
      erasure_id: erasureId,
      lead_id: leadId,
      service: 'mailer',
      deleted_records: { email_deliveries: 1 },
    });
    const row = await h.delivery(idempotencyKey);
    expect(row).toMatchObject({
      status: 'sent',
      recipient: null,
      recipient_name: null,
      subject: null,
      html: null,
      text: null,
    });
    expect(row!.erased_at).toBeInstanceOf(Date);
    const anyTrace = await h.query(
      `SELECT 1 FROM mailer.email_delivery WHERE row_to_json(email_delivery)::text ILIKE '%erase.me@%'`,
    );
    expect(anyTrace).toHaveLength(0);

    // The row stays, so the command delivered again sends nothing.
    await h.nats.publish(
      Subjects.MailerSendEmail,
      h.nats.envelope(Subjects.MailerSendEmail, command, { idempotencyKey }),
    );
    await waitFor(async () => sent.length > 1, { message: 'second MailerEmailSent' });
    expect(h.smtp.received).toHaveLength(1);
  });

  it('reports whether the SMTP server answers', async () => {
    expect(await h.nats.request<MailerStatusView>(Queries.MailerStatus, {})).toEqual({
      configured: true,
      connected: true,
    });
  });
});
