import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  Queries,
  Subjects,
  type CituroSendBookingV1,
  type LeadsCreateTaskV1,
  type MailerSendEmailV1,
  type MessageEnvelope,
  type MocoSyncV1,
  type Page,
  type Subject,
  type TriggerRunFailedV1,
  type TriggerRunView,
} from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { bootstrap } from '../src/main';
import {
  newStage,
  saveTriggers,
  stageChanged,
  startInfra,
  type Stage,
  type TestInfra,
} from './support/automation-harness';

/**
 * Every executor's action (api.md §9) goes out as its service's command, and that service's result events
 * settle the run. The executing services are not running here: the test reads the commands off the broker and
 * answers as they would.
 */
describe('automation: stage-trigger actions become executor commands, results settle the runs', () => {
  let infra: TestInfra;
  let app: NestFastifyApplication;
  let from: Stage;

  beforeAll(async () => {
    infra = await startInfra('autodisp');
    app = await bootstrap();
    from = newStage('Lead');
  });
  afterAll(async () => {
    await infra?.cleanup([app]);
  });

  const ORGANIZATION = {
    id: '7d4c1c52-2f1e-4b7c-9a55-1f9a3e0c2b11',
    name: 'Acme Bio',
    domain: 'acme-bio.com',
    country: 'DE',
  };

  async function moveInto(stage: Stage, overrides: Parameters<typeof stageChanged>[2] = {}) {
    const event = stageChanged(from, stage, { organization: ORGANIZATION, ...overrides });
    await infra.nats.publish(
      Subjects.DealStageChanged,
      infra.nats.envelope(Subjects.DealStageChanged, event),
    );
    return event;
  }

  function commandsOf<T>(subject: Subject, dealId: () => string) {
    return infra.nats.collect<T>(subject, (e) => e.idempotency_key?.includes(dealId()) === true);
  }

  async function runOf(dealId: string, accept: (run: TriggerRunView) => boolean = () => true) {
    return waitFor(
      async () => {
        const page = await infra.nats.request<Page<TriggerRunView>>(Queries.AutomationListRuns, {
          deal_id: dealId,
        });
        return page.data.find(accept);
      },
      { message: 'run', timeoutMs: 15_000 },
    );
  }

  async function answer(subject: Subject, data: object) {
    await infra.nats.publish(subject, infra.nats.envelope(subject, data as never));
  }

  it('emails each recipient under its own key; one bounce fails the run, a retry resends only that email', async () => {
    const stage = newStage('Proposal');
    await saveTriggers(infra.nats, stage, [
      {
        action: 'send_notification_email',
        config: {
          to: ['sales@dna-me.com', 'lab@dna-me.com'],
          subject: '{{deal.name}} is in {{stage.name}}',
          html: '<p>{{lead.first_name}} from {{company.name}}</p>',
        },
      },
    ]);
    let dealId = '';
    const emails = commandsOf<MailerSendEmailV1>(Subjects.MailerSendEmail, () => dealId);
    const failures = infra.nats.collect<TriggerRunFailedV1>(
      Subjects.AutomationTriggerRunFailed,
      (e) => e.data.deal_id === dealId,
    );
    const event = await moveInto(stage, { lead: { first_name: '<Ada>' } });
    dealId = event.deal_id;

    const run = await runOf(dealId);
    await waitFor(async () => emails.length === 2, { message: 'two emails' });
    const byRecipient = new Map(emails.map((e) => [e.data.to, e]));
    expect([...byRecipient.keys()].sort()).toEqual(['lab@dna-me.com', 'sales@dna-me.com']);
    expect(emails.map((e) => e.idempotency_key).sort()).toEqual([
      `${run.idempotency_key}:1`,
      `${run.idempotency_key}:2`,
    ]);
    expect(emails[0].data).toMatchObject({
      subject: 'Acme Lab Rollout is in Proposal',
      // The lead's name is data, not markup.
      html: '<p>&lt;Ada&gt; from Acme Bio</p>',
      lead_id: event.lead_id,
      reference: run.id,
    });
    expect(run).toMatchObject({ status: 'running', max_attempts: 5 });
    expect(run.steps.map((s) => [s.name, s.status])).toEqual([
      ['mailer.send_email #1', 'running'],
      ['mailer.send_email #2', 'running'],
    ]);

    const sales = byRecipient.get('sales@dna-me.com')!;
    const lab = byRecipient.get('lab@dna-me.com')!;
    await answer(Subjects.MailerEmailSent, {
      idempotency_key: sales.idempotency_key,
      reference: run.id,
      delivery_id: '3b0f4a0e-64f1-4a43-9a8e-0c1f0b7d2a11',
      message_id: '<sales@crm>',
      attempts: 1,
    });
    // One of two settled: the run is still running.
    await waitFor(async () => (await runOf(dealId)).steps.some((s) => s.status === 'succeeded'));
    expect((await runOf(dealId)).status).toBe('running');
    await answer(Subjects.MailerEmailFailed, {
      idempotency_key: lab.idempotency_key,
      reference: run.id,
      delivery_id: null,
      error: {
        code: 'recipient_rejected',
        message: '550 5.1.1 no such user',
        retryable: false,
        vendor_status: 550,
      },
      attempts: 1,
    });
    const failed = await runOf(dealId, (r) => r.status === 'failed');
    expect(failed.error).toMatchObject({ code: 'recipient_rejected', retryable: false });
    // api.md §19 trigger_run.failed, once.
    await waitFor(async () => failures.length === 1, { message: 'trigger_run.failed' });
    expect(failures[0].data).toEqual({
      run_id: run.id,
      trigger_id: run.trigger_id,
      action: 'send_notification_email',
      stage_id: stage.id,
      deal_id: dealId,
      lead_id: event.lead_id,
      attempts: 2,
      // The message names the vendor status already: nothing appended.
      error: { code: 'recipient_rejected', message: '550 5.1.1 no such user' },
      final: true,
    });

    emails.length = 0;
    const retried = await infra.nats.request<{ data: TriggerRunView }>(Queries.AutomationRetryRun, {
      actor: { type: 'user', id: null },
      run_id: run.id,
      body: {},
    });
    expect(retried.data.status).toBe('running');
    await waitFor(async () => emails.length === 1, { message: 'the failed email resent' });
    expect(emails[0].idempotency_key).toBe(lab.idempotency_key);
    await answer(Subjects.MailerEmailSent, {
      idempotency_key: lab.idempotency_key,
      reference: run.id,
      delivery_id: '5c2d1e0f-64f1-4a43-9a8e-0c1f0b7d2a22',
      message_id: '<lab@crm>',
      attempts: 1,
    });
    const succeeded = await runOf(dealId, (r) => r.status === 'succeeded');
    expect(succeeded.steps.map((s) => [s.name, s.status])).toEqual([
      ['mailer.send_email #1', 'succeeded'],
      ['mailer.send_email #2', 'failed'],
      ['mailer.send_email #2 (retry 1)', 'succeeded'],
    ]);
    expect(succeeded.error).toBeNull();
  });

  it('asks cituro for a booking invitation; a lead without an email fails the run at once and sends nothing', async () => {
    const stage = newStage('Consultation');
    await saveTriggers(infra.nats, stage, [
      {
        action: 'send_cituro_booking',
        config: {
          email_subject: 'Termin für {{deal.name}}',
          email_html: '<a href="{BOOKING_LINK}">Book</a>',
        },
      },
    ]);
    let dealId = '';
    const bookings = commandsOf<CituroSendBookingV1>(Subjects.CituroSendBooking, () => dealId);
    const event = await moveInto(stage);
    dealId = event.deal_id;
    const run = await runOf(dealId);
    await waitFor(async () => bookings.length === 1, { message: 'booking command' });
    expect(bookings[0].idempotency_key).toBe(run.idempotency_key);
    expect(bookings[0].data).toEqual({
      lead_id: event.lead_id,
      email: 'ada@example.com',
      first_name: 'Ada',
      last_name: 'Lovelace',
      company: 'Acme Bio',
      deal_id: dealId,
      email_subject: 'Termin für Acme Lab Rollout',
      email_html: '<a href="{BOOKING_LINK}">Book</a>',
      reference: run.id,
    });
    await answer(Subjects.CituroBookingInvitationSent, {
      idempotency_key: run.idempotency_key,
      reference: run.id,
      lead_id: event.lead_id,
      deal_id: dealId,
      customer_id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
      mail_idempotency_key: `cituro:${run.idempotency_key}`,
      attempts: 1,
    });
    const done = await runOf(dealId, (r) => r.status === 'succeeded');
    expect(done.result).toMatchObject({ cituro_customer_id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90' });
    expect(done.steps[0]).toMatchObject({
      name: 'cituro.send_booking',
      external_id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    });

    let noEmailDeal = '';
    const none = commandsOf<CituroSendBookingV1>(Subjects.CituroSendBooking, () => noEmailDeal);
    const noEmail = await moveInto(stage, { lead: { email: null } });
    noEmailDeal = noEmail.deal_id;
    const refused = await runOf(noEmailDeal);
    expect(refused).toMatchObject({
      status: 'failed',
      error: { code: 'lead_email_missing', retryable: false },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(none).toHaveLength(0);
  });

  it('syncs the deal to MOCO with the lead, organization and deal, and keeps the MOCO ids on the run', async () => {
    const stage = newStage('Won in MOCO');
    await saveTriggers(infra.nats, stage, [
      { action: 'create_moco_deal', config: { name: '{deal.name} (MOCO)', money: '12000' } },
    ]);
    let dealId = '';
    const syncs = commandsOf<MocoSyncV1>(Subjects.MocoSync, () => dealId);
    const event = await moveInto(stage, {
      lead: { phone: '+49 30 1234', job_title: 'Head of Lab' },
      deal: { expected_close_date: '2027-01-31' },
    });
    dealId = event.deal_id;
    const run = await runOf(dealId);
    await waitFor(async () => syncs.length === 1, { message: 'moco sync command' });
    expect(syncs[0].data).toEqual({
      operation: 'create_deal',
      lead: {
        id: event.lead_id,
        email: 'ada@example.com',
        first_name: 'Ada',
        last_name: 'Lovelace',
        phone: '+49 30 1234',
        job_title: 'Head of Lab',
      },
      organization: {
        id: ORGANIZATION.id,
        name: 'Acme Bio',
        website: 'https://acme-bio.com',
        country_code: 'DE',
      },
      deal: {
        id: dealId,
        name: 'Acme Lab Rollout',
        value: 15000,
        currency: 'EUR',
        expected_close_date: '2027-01-31',
      },
      force: false,
      // The trigger's config, rendered and coerced, for the records moco creates.
      options: { name: 'Acme Lab Rollout (MOCO)', money: 12000 },
      reference: run.id,
    });
    await answer(Subjects.MocoSyncSucceeded, {
      idempotency_key: run.idempotency_key,
      reference: run.id,
      operation: 'create_deal',
      lead_id: event.lead_id,
      deal_id: dealId,
      moco: {
        company_id: 11,
        contact_id: 12,
        deal_id: 13,
        offer_id: null,
        project_id: null,
        invoice_id: null,
      },
      attempts: 2,
    });
    const done = await runOf(dealId, (r) => r.status === 'succeeded');
    expect(done.result).toEqual({ moco_company_id: 11, moco_contact_id: 12, moco_deal_id: 13 });
    expect(done.steps[0]).toMatchObject({ name: 'moco.create_deal', external_id: '13', attempts: 2 });
    expect(done.attempts).toBe(2);
  });

  it('asks leads for a task with the rendered title and a due date, and records the task id', async () => {
    const stage = newStage('Demo booked');
    await saveTriggers(infra.nats, stage, [
      {
        action: 'create_task',
        config: {
          title_template: 'Prepare the demo for {lead.first_name}',
          priority: 'high',
          due_days_offset: '3',
          assign_strategy: 'round_robin',
        },
      },
    ]);
    let dealId = '';
    const tasks = commandsOf<LeadsCreateTaskV1>(Subjects.LeadsCreateTask, () => dealId);
    const before = Date.now();
    const event = await moveInto(stage);
    dealId = event.deal_id;
    const run = await runOf(dealId);
    await waitFor(async () => tasks.length === 1, { message: 'task command' });
    const task = (tasks[0] as MessageEnvelope<LeadsCreateTaskV1>).data;
    expect(task).toMatchObject({
      deal_id: dealId,
      lead_id: event.lead_id,
      title: 'Prepare the demo for Ada',
      priority: 'high',
      assign_strategy: 'round_robin',
      trigger_run_id: run.id,
      reference: run.id,
    });
    const dueInDays = (new Date(task.due_date!).getTime() - before) / 86_400_000;
    expect(dueInDays).toBeGreaterThan(2.99);
    expect(dueInDays).toBeLessThan(3.01);
    await answer(Subjects.LeadsCreateTaskSucceeded, {
      idempotency_key: run.idempotency_key,
      reference: run.id,
      task_id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      lead_id: event.lead_id,
      deal_id: dealId,
      assigned_to_id: null,
      attempts: 1,
    });
    const done = await runOf(dealId, (r) => r.status === 'succeeded');
    expect(done.result).toEqual({ task_id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' });
  });
});
