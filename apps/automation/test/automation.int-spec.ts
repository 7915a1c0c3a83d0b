import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  DomainError,
  Queries,
  encodeCursor,
  Subjects,
  type MessageEnvelope,
  type Page,
  type SlackMessageFailedV1,
  type SlackPostMessageV1,
  type StageTriggersView,
  type StagesTriggersView,
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

describe('automation service (real NATS + Postgres)', () => {
  let infra: TestInfra;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    infra = await startInfra('auto');
    app = await bootstrap();
  });
  afterAll(async () => {
    await infra?.cleanup([app]);
  });

  const slackTrigger = (overrides: Record<string, unknown> = {}) => ({
    action: 'send_slack_message' as const,
    name: 'Tell sales',
    config: {
      channel: '#hot-leads',
      message:
        '{deal.name} ({deal.value}) for {lead.first_name} {lead.last_name} <{lead.email}> entered {stage.name} in {pipeline.name}',
    },
    ...overrides,
  });

  async function publishStageChange(
    event: ReturnType<typeof stageChanged>,
    options: { id?: string; dedupe?: boolean } = {},
  ) {
    const envelope = infra.nats.envelope(Subjects.DealStageChanged, event, { id: options.id });
    await infra.nats.publish(Subjects.DealStageChanged, envelope, { dedupe: options.dedupe });
    return envelope;
  }

  function runsOfDeal(dealId: string) {
    return infra.nats.request<Page<TriggerRunView>>(Queries.AutomationListRuns, { deal_id: dealId });
  }

  async function waitForRun(
    dealId: string,
    accept: (run: TriggerRunView) => boolean = () => true,
    message = 'run',
  ) {
    return waitFor(
      async () => {
        const page = await runsOfDeal(dealId);
        return page.data.find(accept);
      },
      { message, timeoutMs: 15_000 },
    );
  }

  function commandsFor(key: (envelope: MessageEnvelope<SlackPostMessageV1>) => boolean) {
    return infra.nats.collect<SlackPostMessageV1>(Subjects.SlackPostMessage, key);
  }

  /** The slack service's answer that a run's message finally failed. */
  async function publishSlackFailure(
    run: TriggerRunView,
    error: SlackMessageFailedV1['error'],
    attempts: number,
  ) {
    await infra.nats.publish(
      Subjects.SlackMessageFailed,
      infra.nats.envelope(Subjects.SlackMessageFailed, {
        idempotency_key: run.idempotency_key,
        reference: run.id,
        channel: '#hot-leads',
        error,
        attempts,
      }),
    );
  }

  async function expectRejected(promise: Promise<unknown>): Promise<DomainError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }

  describe('stage triggers', () => {
    it('lists the ten actions with their required and config fields, and the saved triggers in order', async () => {
      const stage = newStage('Qualified');
      const saved = await saveTriggers(infra.nats, stage, [
        slackTrigger(),
        {
          action: 'create_task',
          on: 'exit',
          config: { title_template: 'Follow up {deal.name}', due_days_offset: '3' },
        },
      ]);
      expect(saved).toMatchObject({ success: true, stage_id: stage.id, triggers_count: 2 });
      expect(saved.configured_triggers[1]).toMatchObject({
        action: 'create_task',
        on: 'exit',
        enabled: true,
      });
      expect((saved.configured_triggers[1] as unknown as { config: object }).config).toEqual({
        title_template: 'Follow up {deal.name}',
        due_days_offset: 3,
      });

      const view = await infra.nats.request<StageTriggersView>(Queries.AutomationGetStageTriggers, {
        stage: { id: stage.id, name: stage.name, pipeline_id: stage.pipeline_id },
      });
      expect(view.stage_id).toBe(stage.id);
      expect(view.stage_name).toBe('Qualified');
      expect(view.available_actions).toHaveLength(10);
      expect(view.available_actions.find((a) => a.action === 'send_slack_message')).toEqual({
        action: 'send_slack_message',
        description: expect.any(String),
        required_fields: ['channel', 'message'],
        config_fields: [
          { name: 'channel', type: 'string', required: true },
          { name: 'message', type: 'string', required: true },
        ],
      });
      expect(
        view.available_actions.find((a) => a.action === 'send_notification_email')?.required_fields,
      ).toEqual(['to']);
      expect(view.available_actions.find((a) => a.action === 'create_task')?.required_fields).toEqual([
        'title_template',
      ]);
      expect(
        view.available_actions.find((a) => a.action === 'enroll_email_sequence')?.required_fields,
      ).toEqual(['sequence_id']);
      expect(view.configured_triggers.map((t) => t.action)).toEqual(['send_slack_message', 'create_task']);
      expect(view.configured_triggers[0].id).toBe(saved.configured_triggers[0].id);

      // Replacing keeps given ids and drops the rest.
      const keep = saved.configured_triggers[1].id;
      await saveTriggers(infra.nats, stage, [
        { id: keep, action: 'create_task', config: { title_template: 'x' } },
      ]);
      const after = await infra.nats.request<StageTriggersView>(Queries.AutomationGetStageTriggers, {
        stage: { id: stage.id, name: stage.name, pipeline_id: stage.pipeline_id },
      });
      expect(after.configured_triggers.map((t) => t.id)).toEqual([keep]);
    });

    it('refuses a missing config key, a bad condition and legacy shapes with 400 and changes nothing', async () => {
      const stage = newStage('Proposal');
      await saveTriggers(infra.nats, stage, [slackTrigger()]);

      const missing = await expectRejected(
        saveTriggers(infra.nats, stage, [
          slackTrigger(),
          { action: 'send_slack_message', config: { message: 'hi' } },
        ]),
      );
      expect(missing.status).toBe(400);
      expect(missing.code).toBe('VALIDATION_ERROR');
      expect(missing.details?.validation_errors).toEqual([
        expect.objectContaining({ path: 'triggers.1.config.channel' }),
      ]);

      const badCondition = await expectRejected(
        saveTriggers(infra.nats, stage, [
          slackTrigger({ conditions: { min_value: 10, max_value: 1, intents: ['shopping'] } }),
        ]),
      );
      expect(badCondition.status).toBe(400);
      expect((badCondition.details?.validation_errors as { path: string }[]).map((e) => e.path)).toEqual([
        'triggers.0.conditions.max_value',
        'triggers.0.conditions.intents',
      ]);

      const legacyAction = await expectRejected(
        saveTriggers(infra.nats, stage, [{ action: 'send_email' as never, config: { to: 'a@b.de' } }]),
      );
      expect(legacyAction.status).toBe(400);
      const legacyShape = await expectRejected(
        saveTriggers(infra.nats, stage, [
          { trigger: { type: 'stage_enter' }, action: { type: 'slack' } } as never,
        ]),
      );
      expect(legacyShape.status).toBe(400);

      const view = await infra.nats.request<StageTriggersView>(Queries.AutomationGetStageTriggers, {
        stage: { id: stage.id, name: stage.name, pipeline_id: stage.pipeline_id },
      });
      expect(view.configured_triggers).toHaveLength(1);
    });

    it('validate_only answers the same 400s or what would be saved, and saves nothing', async () => {
      const stage = newStage('Checked');
      await saveTriggers(infra.nats, stage, [slackTrigger()]);
      const refused = await expectRejected(
        saveTriggers(infra.nats, stage, [{ action: 'send_slack_message', config: { message: 'hi' } }], {
          validateOnly: true,
        }),
      );
      expect(refused.details?.validation_errors).toEqual([
        expect.objectContaining({ path: 'triggers.0.config.channel' }),
      ]);
      const checked = await saveTriggers(
        infra.nats,
        stage,
        [{ action: 'create_task', config: { title_template: 'Call {lead.first_name}' } }],
        { validateOnly: true },
      );
      expect(checked).toMatchObject({ success: true, stage_id: stage.id, triggers_count: 1 });
      const view = await infra.nats.request<StageTriggersView>(Queries.AutomationGetStageTriggers, {
        stage: { id: stage.id, name: stage.name, pipeline_id: stage.pipeline_id },
      });
      expect(view.configured_triggers.map((t) => t.action)).toEqual(['send_slack_message']);
    });
  });

  describe('trigger lists of many stages (the stage lists of api.md §7)', () => {
    it('answers one row per requested stage, in request order, each list in its order; [] for a stage without triggers', async () => {
      const pipelineId = randomUUID();
      const [qualified, proposal, empty] = ['Qualified', 'Proposal', 'Won'].map((name) =>
        newStage(name, pipelineId),
      );
      const saved = await saveTriggers(infra.nats, qualified, [
        slackTrigger(),
        { action: 'create_task', on: 'exit', config: { title_template: 'Follow up {deal.name}' } },
      ]);
      const proposalSaved = await saveTriggers(infra.nats, proposal, [slackTrigger({ enabled: false })]);
      const other = newStage('Elsewhere');
      await saveTriggers(infra.nats, other, [slackTrigger()]);

      const answer = await infra.nats.request<StagesTriggersView>(Queries.AutomationListStagesTriggers, {
        stage_ids: [empty.id, proposal.id, qualified.id],
      });
      expect(answer.data).toEqual([
        { stage_id: empty.id, configured_triggers: [] },
        { stage_id: proposal.id, configured_triggers: proposalSaved.configured_triggers },
        { stage_id: qualified.id, configured_triggers: saved.configured_triggers },
      ]);
      // The same trigger views the single-stage read shows.
      const single = await infra.nats.request<StageTriggersView>(Queries.AutomationGetStageTriggers, {
        stage: { id: qualified.id, name: qualified.name, pipeline_id: pipelineId },
      });
      expect(answer.data[2].configured_triggers).toEqual(single.configured_triggers);
      expect(single.configured_triggers.map((t) => t.action)).toEqual(['send_slack_message', 'create_task']);
    });

    it('an empty list answers no rows; malformed or too many stage ids are 400', async () => {
      const none = await infra.nats.request<StagesTriggersView>(Queries.AutomationListStagesTriggers, {
        stage_ids: [],
      });
      expect(none).toEqual({ data: [] });
      const malformed = await expectRejected(
        infra.nats.request(Queries.AutomationListStagesTriggers, { stage_ids: ['not-a-uuid'] }),
      );
      expect(malformed.status).toBe(400);
      const tooMany = await expectRejected(
        infra.nats.request(Queries.AutomationListStagesTriggers, {
          stage_ids: Array.from({ length: 201 }, () => randomUUID()),
        }),
      );
      expect(tooMany.status).toBe(400);
    });
  });

  describe('run list by cursor (api.md §1.4)', () => {
    it('walks the runs of a deal by next_cursor in exactly the page order (ties on created_at), without a total', async () => {
      const dealId = randomUUID();
      await infra.query(
        `INSERT INTO automation.trigger_runs (id, trigger_id, action, "on", stage_id, deal_id, idempotency_key, source, status, created_at)
         SELECT gen_random_uuid(), gen_random_uuid(), 'send_slack_message', 'enter', gen_random_uuid(), $1::uuid,
                'cursor-' || $1::text || '-' || i, 'manual', 'succeeded',
                timestamptz '2026-11-01 09:00:00.000001+00' + (i / 3) * interval '1 minute'
           FROM generate_series(1, 17) AS i`,
        [dealId],
      );
      for (const sortOrder of ['desc', 'asc']) {
        const all = await infra.nats.request<Page<TriggerRunView>>(Queries.AutomationListRuns, {
          deal_id: dealId,
          sort_order: sortOrder,
          limit: 100,
        });
        const walked: string[] = [];
        let cursor: string | null | undefined;
        do {
          const page: Page<TriggerRunView> = await infra.nats.request(Queries.AutomationListRuns, {
            deal_id: dealId,
            sort_order: sortOrder,
            limit: 5,
            ...(cursor ? { cursor } : {}),
          });
          if (cursor) expect(page.pagination).not.toHaveProperty('total');
          walked.push(...page.data.map((run) => run.id));
          cursor = page.pagination.next_cursor;
        } while (cursor);
        expect(all.data).toHaveLength(17);
        expect(walked).toEqual(all.data.map((run) => run.id));
      }
      const foreign = await expectRejected(
        infra.nats.request(Queries.AutomationListRuns, {
          deal_id: dealId,
          cursor: encodeCursor({
            list: 'leads',
            sort: 'created_at:desc',
            keys: ['2026-11-01T09:00:00Z'],
            id: dealId,
          }),
        }),
      );
      expect([foreign.status, foreign.details?.validation_errors]).toEqual([
        400,
        [expect.objectContaining({ path: 'cursor' })],
      ]);
    });
  });

  describe('runs from stage changes', () => {
    let from: Stage;
    let to: Stage;

    beforeAll(async () => {
      from = newStage('Lead In');
      to = newStage('Qualified', from.pipeline_id);
      await saveTriggers(infra.nats, to, [slackTrigger()]);
    });

    it('creates a run and sends the rendered Slack command under the run key; a replay adds nothing', async () => {
      const event = stageChanged(from, to);
      const commands = commandsFor(
        (e) => e.data.reference !== undefined && e.idempotency_key?.includes(event.deal_id) === true,
      );
      const before = await infra.nats.streamMessages('SLACK_CMD');
      const first = await publishStageChange(event, { dedupe: false });

      const run = await waitForRun(event.deal_id);
      const [trigger] = (
        await infra.nats.request<StageTriggersView>(Queries.AutomationGetStageTriggers, {
          stage: { id: to.id, name: to.name, pipeline_id: to.pipeline_id },
        })
      ).configured_triggers;
      expect(run).toMatchObject({
        trigger_id: trigger.id,
        trigger_name: 'Tell sales',
        action: 'send_slack_message',
        on: 'enter',
        stage_id: to.id,
        deal_id: event.deal_id,
        lead_id: event.lead_id,
        stage_history_id: event.stage_history_id,
        idempotency_key: `${trigger.id}:${event.deal_id}:${event.stage_history_id}`,
        source: 'stage_change',
        dry_run: false,
        status: 'running',
        attempts: 1,
        max_attempts: 5,
        error: null,
      });

      await waitFor(async () => commands.length >= 1, { message: 'SlackPostMessage command' });
      const [command] = commands;
      expect(command.idempotency_key).toBe(run.idempotency_key);
      expect(command.data.channel).toBe('#hot-leads');
      expect(command.data.reference).toBe(run.id);
      expect(command.data.text).toBe(
        'Acme Lab Rollout (15000) for Ada Lovelace <ada@example.com> entered Qualified in B2B Lab Enablement',
      );
      expect(command.data.blocks?.[0]).toEqual({
        type: 'header',
        text: { type: 'plain_text', text: 'Acme Lab Rollout', emoji: true },
      });
      expect(JSON.stringify(command.data.blocks)).toContain('B2B Lab Enablement');
      expect(await infra.nats.streamMessages('SLACK_CMD')).toBe(before + 1);

      // The same envelope again, and a new envelope for the same transition.
      await publishStageChange(event, { id: first.id, dedupe: false });
      const replay = await publishStageChange(event);
      // Handled means committed with its inbox row: a replay that failed (and was retried) would not be there.
      await waitFor(
        async () =>
          // The stage triggers' consumer (the rules module consumes the subject too, with its own inbox rows).
          (
            await infra.query(
              `SELECT 1 FROM automation.processed_message WHERE message_id = $1 AND consumer = $2`,
              [replay.id, 'automation-deal-stage-changed'],
            )
          ).length === 1,
        { message: 'replay handled' },
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await runsOfDeal(event.deal_id)).data).toHaveLength(1);
      expect(commands).toHaveLength(1);
      expect(await infra.nats.streamMessages('SLACK_CMD')).toBe(before + 1);
    });

    it('marks the run succeeded on SlackMessagePosted and ignores a later failure for it', async () => {
      const event = stageChanged(from, to);
      await publishStageChange(event);
      const run = await waitForRun(event.deal_id);

      const posted = infra.nats.envelope(Subjects.SlackMessagePosted, {
        idempotency_key: run.idempotency_key,
        reference: run.id,
        channel: '#hot-leads',
        ts: '1700000000.000100',
        attempts: 2,
      });
      await infra.nats.publish(Subjects.SlackMessagePosted, posted);
      const done = await waitForRun(event.deal_id, (r) => r.status === 'succeeded', 'succeeded run');
      expect(done).toMatchObject({
        status: 'succeeded',
        attempts: 2,
        result: { slack_ts: '1700000000.000100', channel: '#hot-leads' },
        error: null,
      });
      expect(done.finished_at).not.toBeNull();
      expect(done.steps).toEqual([
        expect.objectContaining({
          name: 'slack.post_message',
          status: 'succeeded',
          attempts: 2,
          external_id: '1700000000.000100',
        }),
      ]);

      const late = infra.nats.envelope(Subjects.SlackMessageFailed, {
        idempotency_key: run.idempotency_key,
        reference: run.id,
        channel: '#hot-leads',
        error: { code: 'rollup_error', message: 'late', retryable: true, vendor_status: 500 },
        attempts: 5,
      });
      await infra.nats.publish(Subjects.SlackMessageFailed, late);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const still = await infra.nats.request<TriggerRunView>(Queries.AutomationGetRun, { id: run.id });
      expect(still.status).toBe('succeeded');

      const notRetryable = await expectRejected(
        infra.nats.request(Queries.AutomationRetryRun, {
          actor: { type: 'user', id: null },
          run_id: run.id,
          body: {},
        }),
      );
      expect(notRetryable.status).toBe(409);
      expect(notRetryable.code).toBe('RUN_NOT_RETRYABLE');
    });

    it('fails the run with the vendor error, and a retry resends the command under the same key', async () => {
      const event = stageChanged(from, to);
      const commands = commandsFor((e) => e.idempotency_key?.includes(event.deal_id) === true);
      await publishStageChange(event);
      const run = await waitForRun(event.deal_id);

      await publishSlackFailure(
        run,
        {
          code: 'rollup_error',
          message: 'Slack webhook answered HTTP 500 rollup_error',
          retryable: true,
          vendor_status: 500,
        },
        5,
      );
      const failed = await waitForRun(event.deal_id, (r) => r.status === 'failed', 'failed run');
      expect(failed.error).toEqual({
        code: 'rollup_error',
        message: 'Slack webhook answered HTTP 500 rollup_error',
        retryable: true,
      });
      expect(failed.attempts).toBe(5);

      const retried = await infra.nats.request<{ data: TriggerRunView }>(Queries.AutomationRetryRun, {
        actor: { type: 'user', id: randomUUID() },
        run_id: run.id,
        body: {},
      });
      expect(retried.data).toMatchObject({
        id: run.id,
        idempotency_key: run.idempotency_key,
        source: 'stage_change',
        status: 'running',
        error: null,
        attempts: 6,
      });
      expect(retried.data.steps.map((s) => [s.name, s.status])).toEqual([
        ['slack.post_message', 'failed'],
        ['slack.post_message (retry 1)', 'running'],
      ]);
      await waitFor(async () => commands.length >= 2, { message: 'second command' });
      expect(commands.map((c) => c.idempotency_key)).toEqual([run.idempotency_key, run.idempotency_key]);
      expect(commands[1].id).not.toBe(commands[0].id);
      expect(commands[1].data).toEqual(commands[0].data);

      // A retry while it runs is refused.
      const again = await expectRejected(
        infra.nats.request(Queries.AutomationRetryRun, {
          actor: { type: 'user', id: null },
          run_id: run.id,
          body: {},
        }),
      );
      expect(again.code).toBe('RUN_NOT_RETRYABLE');
    });

    it('a dry-run retry of a failed run records what would be sent and sends nothing', async () => {
      const event = stageChanged(from, to);
      const commands = commandsFor((e) => e.idempotency_key?.includes(event.deal_id) === true);
      await publishStageChange(event);
      const run = await waitForRun(event.deal_id);
      await publishSlackFailure(
        run,
        {
          code: 'channel_not_found',
          message: 'Slack webhook answered HTTP 404',
          retryable: false,
          vendor_status: 404,
        },
        1,
      );
      await waitForRun(event.deal_id, (r) => r.status === 'failed', 'failed run');

      const preview = await infra.nats.request<{ data: TriggerRunView & { payload: unknown } }>(
        Queries.AutomationRetryRun,
        { actor: { type: 'user', id: null }, run_id: run.id, body: { dry_run: true } },
      );
      expect(preview.data).toMatchObject({
        dry_run: true,
        source: 'retry',
        status: 'succeeded',
        trigger_id: run.trigger_id,
        deal_id: event.deal_id,
        attempts: 0,
      });
      expect(preview.data.id).not.toBe(run.id);
      const [sent] = (preview.data.payload as { commands: { payload: { text: string } }[] }).commands;
      expect(preview.data.result).toEqual({
        would_send: [{ service: 'slack', operation: 'post_message', payload: sent.payload }],
      });
      expect(sent.payload.text).toContain('Acme Lab Rollout');

      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(commands).toHaveLength(1);
      const original = await infra.nats.request<TriggerRunView>(Queries.AutomationGetRun, { id: run.id });
      expect(original.status).toBe('failed');
      const dryRuns = await infra.nats.request<Page<TriggerRunView>>(Queries.AutomationListRuns, {
        deal_id: event.deal_id,
        dry_run: 'true',
      });
      expect(dryRuns.data.map((r) => r.id)).toEqual([preview.data.id]);
    });

    it('filters by conditions: only deals that match create runs', async () => {
      const stage = newStage('Big Deals', from.pipeline_id);
      await saveTriggers(infra.nats, stage, [
        slackTrigger({ conditions: { min_value: '10000', intents: ['b2b'], from_stage_ids: [from.id] } }),
      ]);
      const small = stageChanged(from, stage, { deal: { value: 5000 } });
      const otherIntent = stageChanged(from, stage, { lead: { primary_intent: 'research' } });
      const otherOrigin = stageChanged(newStage('Elsewhere', from.pipeline_id), stage);
      const matching = stageChanged(from, stage, { deal: { value: 20000 } });
      for (const event of [small, otherIntent, otherOrigin, matching]) await publishStageChange(event);

      await waitForRun(matching.deal_id);
      for (const event of [small, otherIntent, otherOrigin]) {
        expect((await runsOfDeal(event.deal_id)).data).toEqual([]);
      }
    });

    it('fires exit triggers when a deal leaves their stage, and skips actions that are not available', async () => {
      const left = newStage('Demo', from.pipeline_id);
      const entered = newStage('Negotiation', from.pipeline_id);
      await saveTriggers(infra.nats, left, [
        slackTrigger({ on: 'exit', config: { channel: '#sales', message: '{deal.name} left {stage.name}' } }),
        slackTrigger({ on: 'enter', config: { channel: '#sales', message: 'entered' } }),
        { action: 'enroll_email_sequence', on: 'exit', config: { sequence_id: 'nurture' } },
      ]);
      const event = stageChanged(left, entered);
      const commands = commandsFor((e) => e.idempotency_key?.includes(event.deal_id) === true);
      await publishStageChange(event);

      await waitFor(async () => (await runsOfDeal(event.deal_id)).data.length === 2, {
        message: 'two exit runs',
      });
      const runs = (await runsOfDeal(event.deal_id)).data;
      const slackRun = runs.find((r) => r.action === 'send_slack_message')!;
      const sequenceRun = runs.find((r) => r.action === 'enroll_email_sequence')!;
      expect(slackRun).toMatchObject({ on: 'exit', stage_id: left.id, status: 'running' });
      expect(sequenceRun).toMatchObject({
        on: 'exit',
        status: 'skipped',
        attempts: 0,
        error: {
          code: 'not_available',
          message: 'enroll_email_sequence is not available yet',
          retryable: false,
        },
      });
      await waitFor(async () => commands.length >= 1);
      expect(commands[0].data.text).toBe('Acme Lab Rollout left Demo');
      expect(commands[0].data.channel).toBe('#sales');

      const skippedRetry = await expectRejected(
        infra.nats.request(Queries.AutomationRetryRun, {
          actor: { type: 'user', id: null },
          run_id: sequenceRun.id,
          body: {},
        }),
      );
      expect(skippedRetry.code).toBe('RUN_NOT_RETRYABLE');
    });
  });

  describe('run log queries', () => {
    it('lists runs newest first with filters and paging, and answers 404 for an unknown run', async () => {
      const stage = newStage('Listing');
      await saveTriggers(infra.nats, stage, [slackTrigger()]);
      const events = [stageChanged(null, stage), stageChanged(null, stage), stageChanged(null, stage)];
      for (const event of events) {
        await publishStageChange(event);
        await waitForRun(event.deal_id);
      }
      const page = await infra.nats.request<Page<TriggerRunView>>(Queries.AutomationListRuns, {
        stage_id: stage.id,
        limit: '2',
      });
      expect(page.pagination).toMatchObject({ page: 1, limit: 2, total: 3, total_pages: 2, has_next: true });
      expect(page.data.map((r) => r.deal_id)).toEqual([events[2].deal_id, events[1].deal_id]);

      const running = await infra.nats.request<Page<TriggerRunView>>(Queries.AutomationListRuns, {
        stage_id: stage.id,
        status: 'succeeded',
      });
      expect(running.data).toEqual([]);

      const missing = await expectRejected(
        infra.nats.request(Queries.AutomationGetRun, { id: randomUUID() }),
      );
      expect(missing.status).toBe(404);
      const invalid = await expectRejected(
        infra.nats.request(Queries.AutomationListRuns, { since: 'yesterday-ish' }),
      );
      expect(invalid.status).toBe(400);
    });
  });
});
