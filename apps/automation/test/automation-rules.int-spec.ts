import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import {
  DomainError,
  Queries,
  Subjects,
  type AutomationRuleLogView,
  type AutomationRuleStatsView,
  type AutomationRuleView,
  type AutomationStatsView,
  type CreateAutomationRuleBody,
  type LeadErasureConfirmedV1,
  type LeadEventRecordedV1,
  type LeadIntentDetectedV1,
  type LeadsCreateTaskV1,
  type LeadsMoveToStageV1,
  type LeadsUpdateFieldV1,
  type LeadScoredV1,
  type MocoSyncV1,
  type Page,
  type PayloadOf,
  type SlackPostMessageV1,
  type Subject,
  type ValidationIssue,
} from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { bootstrap } from '../src/main';
import { TimeInStageSweepService } from '../src/rules/time-in-stage.sweep';
import { newStage, stageChanged, startInfra, type TestInfra } from './support/automation-harness';
import { LeadsStandIn } from './support/rules-harness';

const actor = { type: 'user' as const, id: randomUUID(), name: 'Test' };
const DAY_MS = 86_400_000;

describe('automation rules (api.md §12; real NATS + Postgres, leads stood in)', () => {
  let infra: TestInfra;
  let app: NestFastifyApplication;
  let leads: LeadsStandIn;

  beforeAll(async () => {
    infra = await startInfra('rules');
    leads = new LeadsStandIn(infra.nats);
    await leads.start();
    app = await bootstrap();
  });
  afterAll(async () => {
    leads?.stop();
    await infra?.cleanup([app]);
  });

  const createRule = (body: Partial<CreateAutomationRuleBody>) =>
    infra.nats.request<AutomationRuleView>(Queries.AutomationCreateRule, {
      actor,
      body: { name: 'Test rule', ...body },
    });

  async function rejection(
    request: Promise<unknown>,
  ): Promise<{ status: number; issues: ValidationIssue[] }> {
    const error = await request.then(
      () => {
        throw new Error('expected a rejection');
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    const domain = error as DomainError;
    return {
      status: domain.status,
      issues: (domain.details?.validation_errors as ValidationIssue[] | undefined) ?? [],
    };
  }

  const logsOf = (ruleId: string) =>
    infra.nats.request<Page<AutomationRuleLogView>>(Queries.AutomationRuleLogs, {
      rule_id: ruleId,
      limit: 100,
    });

  const waitForLogs = (ruleId: string, count: number, message: string) =>
    waitFor(
      async () => {
        const page = await logsOf(ruleId);
        return page.data.length >= count ? page.data : undefined;
      },
      { message, timeoutMs: 15_000 },
    );

  async function publish<S extends Subject>(
    subject: S,
    data: PayloadOf[S],
    options: { dedupe?: boolean } = {},
  ) {
    const envelope = infra.nats.envelope(subject, data);
    await infra.nats.publish(subject, envelope, options);
    return envelope;
  }

  /** Waits until the consumer named has handled every message published to it so far (nothing pending). */
  async function drained(durable: string): Promise<void> {
    const stream = durable.includes('scored') || durable.includes('intent') ? 'SCORING' : 'LEADS';
    await waitFor(
      async () => {
        const info = await infra.nats.consumerInfo(stream, durable);
        return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
      },
      { message: `${durable} drained`, timeoutMs: 15_000 },
    );
  }

  function recorded(eventType: string, overrides: Partial<LeadEventRecordedV1> = {}): LeadEventRecordedV1 {
    return {
      event_id: randomUUID(),
      lead_id: randomUUID(),
      lead_created: false,
      event_type: eventType,
      event_category: null,
      source: 'website',
      occurred_at: new Date().toISOString(),
      metadata: {},
      campaign_id: null,
      ...overrides,
    };
  }

  describe('rules CRUD and validation', () => {
    it('seeds the product.md rules, listed by priority', async () => {
      const page = await infra.nats.request<Page<AutomationRuleView>>(Queries.AutomationListRules, {
        limit: 100,
      });
      const seeded = page.data.filter((rule) => rule.id.startsWith('7a0c1e55-0001-'));
      expect(seeded.map((rule) => [rule.name, rule.trigger_type, rule.action_type])).toEqual([
        ['Hot lead alert', 'score_threshold', 'send_notification'],
        ['MQL alert', 'score_threshold', 'send_notification'],
        ['Demo requested: follow up', 'event', 'create_task'],
        ['Order placed: lifecycle customer', 'event', 'update_field'],
        ['Portal registration: welcome call', 'event', 'create_task'],
        ['ROI calculator submitted: follow up', 'event', 'create_task'],
        ['Contact form: reply', 'event', 'create_task'],
        ['Pricing page alert', 'event', 'send_notification'],
      ]);
      expect(seeded[0].trigger_config).toEqual({ score_gte: 80 });
      // The slack service's hot_lead alert posts that crossing already: the rule is there, but off.
      expect(seeded.filter((r) => !r.is_active).map((r) => r.name)).toEqual(['Hot lead alert']);
      expect(seeded[1].trigger_config).toEqual({ score_gte: 40 });
      // None routes or assigns: that is the router's job.
      expect(seeded.map((r) => r.action_type)).not.toContain('route_to_pipeline');
      expect(seeded.map((r) => r.action_type)).not.toContain('assign_owner');
    });

    it('creates a rule naming its pipeline and stage, reads, edits and deletes it', async () => {
      const proposal = leads.stage('b2b-lab-enablement', 'proposal');
      const created = await createRule({
        name: 'Proposal follow-up',
        pipeline_id: leads.b2b.id,
        stage_id: proposal.id,
        trigger_type: 'time_in_stage',
        trigger_config: { days: '14' },
        action_type: 'create_task',
        action_config: { title: 'Chase the proposal' },
      });
      expect(created).toMatchObject({
        name: 'Proposal follow-up',
        is_active: true,
        priority: 100,
        pipeline_name: 'B2B Lab Enablement',
        stage_name: 'Proposal',
        trigger_config: { days: 14 },
        action_config: { title: 'Chase the proposal', task_type: 'follow_up' },
        execution_count: 0,
        last_executed: null,
      });

      const read = await infra.nats.request<AutomationRuleView & { stats: AutomationRuleStatsView }>(
        Queries.AutomationGetRule,
        { id: created.id },
      );
      expect(read.stats).toEqual({
        total_executions: 0,
        successful_executions: 0,
        failed_executions: 0,
        unique_leads: 0,
        last_7_days: 0,
      });

      const updated = await infra.nats.request<AutomationRuleView>(Queries.AutomationUpdateRule, {
        actor,
        id: created.id,
        body: { name: 'Proposal chase', description: 'x', stage_id: null, pipeline_id: null, priority: 5 },
      });
      expect(updated).toMatchObject({
        name: 'Proposal chase',
        priority: 5,
        stage_id: null,
        stage_name: null,
        pipeline_name: null,
      });

      await infra.nats.request(Queries.AutomationDeleteRule, { actor, id: created.id });
      expect(
        (await rejection(infra.nats.request(Queries.AutomationGetRule, { id: created.id }))).status,
      ).toBe(404);
      // Logs stay readable for audit.
      expect((await logsOf(created.id)).data).toEqual([]);
    });

    it('answers 400 with field details for configs that do not fit their type, and saves nothing', async () => {
      const before = await infra.nats.request<Page<AutomationRuleView>>(Queries.AutomationListRules, {});
      const missing = await rejection(
        createRule({
          trigger_type: 'score_threshold',
          trigger_config: {},
          action_type: 'sync_moco',
          action_config: {},
        }),
      );
      expect(missing.status).toBe(400);
      expect(missing.issues).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: 'trigger_config.score_gte', code: 'required' }),
          expect.objectContaining({ path: 'action_config.action', code: 'required' }),
        ]),
      );
      const wrong = await rejection(
        createRule({
          trigger_type: 'intent_detected',
          trigger_config: { intent: 'gardening', extra: 1 },
          action_type: 'update_field',
          action_config: { field: 'lifecycle_stage', value: 'vip' },
        }),
      );
      expect(wrong.issues.map((i) => [i.path, i.code])).toEqual(
        expect.arrayContaining([
          ['trigger_config.intent', 'isIn'],
          ['trigger_config.extra', 'unknown_key'],
          ['action_config.value', 'isIn'],
        ]),
      );
      const after = await infra.nats.request<Page<AutomationRuleView>>(Queries.AutomationListRules, {});
      expect(after.pagination).toEqual(before.pagination);
    });

    it('answers 400 when a referenced stage, slug or pipeline does not exist in leads', async () => {
      const unknownSlug = await rejection(
        createRule({
          trigger_type: 'stage_change',
          trigger_config: { to_stage: 'contract', pipeline_id: leads.b2b.id },
          action_type: 'route_to_pipeline',
          action_config: { pipeline_slug: 'b2b-lab' },
        }),
      );
      expect(unknownSlug.issues.map((i) => [i.path, i.code])).toEqual([
        ['trigger_config.to_stage', 'not_found'],
        ['action_config.pipeline_slug', 'not_found'],
      ]);
      // `discovery` exists, but only in the research pipeline.
      const otherPipeline = await rejection(
        createRule({
          pipeline_id: leads.b2b.id,
          stage_id: leads.stage('research-lab', 'discovery').id,
          trigger_type: 'stage_change',
          trigger_config: { from_stage: 'discovery' },
          action_type: 'move_to_stage',
          action_config: { target_stage: 'discovery' },
        }),
      );
      expect(otherPipeline.issues.map((i) => [i.path, i.code])).toEqual([
        ['stage_id', 'mismatch'],
        ['trigger_config.from_stage', 'not_found'],
        ['action_config.target_stage', 'not_found'],
      ]);
      const unknownPipeline = await rejection(
        createRule({
          pipeline_id: randomUUID(),
          trigger_type: 'event',
          trigger_config: { event_type: 'demo_requested' },
          action_type: 'send_notification',
          action_config: { channel: '#sales' },
        }),
      );
      expect(unknownPipeline.issues.map((i) => [i.path, i.code])).toEqual([['pipeline_id', 'not_found']]);
    });
  });

  describe('firing', () => {
    it('fires an event rule once per matching event, even when the event is delivered again', async () => {
      const eventType = `webinar_${randomUUID().slice(0, 8)}`;
      const rule = await createRule({
        trigger_type: 'event',
        trigger_config: { event_type: eventType, metadata: { room: 'A' } },
        action_type: 'send_notification',
        action_config: { channel: '#events', message: '{lead.first_name} {lead.last_name} joined room A' },
      });
      const commands = infra.nats.collect<SlackPostMessageV1>(Subjects.SlackPostMessage, (e) =>
        e.data.text.includes('joined room A'),
      );
      const event = recorded(eventType, { metadata: { room: 'A' } });
      const envelope = await publish(Subjects.LeadEventRecorded, event);
      await publish(Subjects.LeadEventRecorded, recorded(eventType, { metadata: { room: 'B' } }));
      const [log] = await waitForLogs(rule.id, 1, 'event rule log');
      // The same message again, and the same event re-published under a new message id.
      await infra.nats.publish(Subjects.LeadEventRecorded, envelope, { dedupe: false });
      await publish(Subjects.LeadEventRecorded, event);
      await drained('automation-rules-lead-event-recorded');

      expect((await logsOf(rule.id)).data).toHaveLength(1);
      expect(log).toMatchObject({
        lead_id: event.lead_id,
        deal_id: null,
        success: null,
        lead_email: 'ada@example.com',
        lead_name: 'Ada Lovelace',
        trigger_data: { event_id: event.event_id, event_type: eventType },
      });
      await waitFor(async () => (commands.length ? true : undefined), { message: 'slack command' });
      expect(commands).toHaveLength(1);
      expect(commands[0].data).toMatchObject({
        channel: '#events',
        text: 'Ada Lovelace joined room A',
        reference: log.id,
      });
      expect(commands[0].idempotency_key).toBe(`automation-rule:${log.id}`);

      // Slack's answer settles the log row.
      await publish(Subjects.SlackMessagePosted, {
        idempotency_key: `automation-rule:${log.id}`,
        reference: log.id,
        channel: '#events',
        ts: '1700000000.000100',
        attempts: 1,
      });
      const settled = await waitFor(
        async () => (await logsOf(rule.id)).data.find((l) => l.success === true),
        {
          message: 'log settled',
        },
      );
      expect(settled.action_result).toMatchObject({ slack_ts: '1700000000.000100' });
    });

    it("sends update_field to leads for the seeded order_placed rule, and leads' answer settles the log", async () => {
      const orderPlaced = '7a0c1e55-0001-4a11-9c00-000000000004';
      const commands = infra.nats.collect<LeadsUpdateFieldV1>(Subjects.LeadsUpdateField);
      const event = recorded('order_placed');
      await publish(Subjects.LeadEventRecorded, event);
      const [log] = await waitFor(
        async () => {
          const page = await logsOf(orderPlaced);
          const ofLead = page.data.filter((l) => l.lead_id === event.lead_id);
          return ofLead.length ? ofLead : undefined;
        },
        { message: 'order_placed log' },
      );
      expect(log).toMatchObject({ success: null, error_message: null });
      await waitFor(async () => (commands.some((c) => c.data.reference === log.id) ? true : undefined), {
        message: 'update_field command',
      });
      expect(commands.find((c) => c.data.reference === log.id)?.data).toEqual({
        lead_id: event.lead_id,
        field: 'lifecycle_stage',
        value: 'customer',
        automation_rule_id: orderPlaced,
        reference: log.id,
      });
      await publish(Subjects.LeadsRuleActionSucceeded, {
        idempotency_key: `automation-rule:${log.id}`,
        reference: log.id,
        action: 'update_field',
        lead_id: event.lead_id,
        result: { field: 'lifecycle_stage', value: 'customer', previous_value: 'lead', changed: true },
        attempts: 1,
      });
      const settled = await waitFor(
        async () => (await logsOf(orderPlaced)).data.find((l) => l.id === log.id && l.success === true),
        { message: 'update_field settled' },
      );
      expect(settled.action_result).toMatchObject({ field: 'lifecycle_stage', changed: true });
    });

    it('fires a score threshold once per upward crossing and again after the score fell below', async () => {
      const rule = await createRule({
        trigger_type: 'score_threshold',
        trigger_config: { score_gte: 500 },
        action_type: 'send_notification',
        action_config: { channel: '#scores', message: '{lead.email} reached {lead.score}' },
      });
      const leadId = randomUUID();
      const scored = (version: number, previous: number, total: number): LeadScoredV1 => ({
        lead_id: leadId,
        version,
        scores: { demographic: 0, engagement: total, behavior: 0, total },
        previous_total: previous,
        tier: 'very_hot',
        previous_tier: 'very_hot',
        tier_changed: false,
        reason: 'event',
        event_id: null,
        points_applied: total - previous,
        scored_at: new Date().toISOString(),
      });
      // Below, crossing, still above, below again, crossing again; then version 3 delivered late.
      for (const [version, previous, total] of [
        [1, 450, 480],
        [2, 480, 520],
        [3, 520, 560],
        [4, 560, 470],
        [5, 470, 530],
      ]) {
        await publish(Subjects.LeadScored, scored(version, previous, total));
        await drained('automation-rules-lead-scored');
      }
      await publish(Subjects.LeadScored, scored(3, 520, 560));
      await drained('automation-rules-lead-scored');

      const logs = (await logsOf(rule.id)).data;
      expect(logs.map((l) => l.trigger_data.version).sort()).toEqual([2, 5]);
      expect(logs.every((l) => l.lead_id === leadId)).toBe(true);
    });

    it('fires intent_detected once per lead and re-arms when the intent no longer matches', async () => {
      const rule = await createRule({
        trigger_type: 'intent_detected',
        trigger_config: { intent: 'b2b', confidence_gte: 60 },
        action_type: 'create_task',
        action_config: { title: 'B2B intent: reach out' },
      });
      const leadId = randomUUID();
      let at = Date.now();
      const detected = (intent: 'b2b' | 'research', confidence: number): LeadIntentDetectedV1 => ({
        lead_id: leadId,
        primary_intent: intent,
        previous_primary_intent: null,
        intent_confidence: confidence,
        intent_summary: { research: 0, b2b: 0, co_creation: 0 },
        conflict: false,
        detected_at: new Date((at += 1000)).toISOString(),
      });
      for (const [intent, confidence] of [
        ['b2b', 50],
        ['b2b', 70],
        ['b2b', 80],
        ['research', 70],
        ['b2b', 65],
      ] as const) {
        await publish(Subjects.LeadIntentDetected, detected(intent, confidence));
        await drained('automation-rules-intent-detected');
      }
      const logs = (await logsOf(rule.id)).data;
      expect(logs.map((l) => l.trigger_data.intent_confidence).sort()).toEqual([65, 70]);
    });

    it('fires a stage_change rule by slugs once per move, and sends sync_moco with a lead snapshot', async () => {
      const rule = await createRule({
        trigger_type: 'stage_change',
        trigger_config: { from_stage: 'qualified', to_stage: 'proposal', pipeline_id: leads.b2b.id },
        action_type: 'sync_moco',
        action_config: { action: 'create_deal' },
      });
      const commands = infra.nats.collect<MocoSyncV1>(Subjects.MocoSync);
      const qualified = {
        ...newStage('Qualified', leads.b2b.id),
        id: leads.stage('b2b-lab-enablement', 'qualified').id,
      };
      const proposal = {
        ...newStage('Proposal', leads.b2b.id),
        id: leads.stage('b2b-lab-enablement', 'proposal').id,
      };
      const move = stageChanged(qualified, proposal);
      const envelope = await publish(Subjects.DealStageChanged, move);
      // Same slugs in another pipeline: no match.
      await publish(
        Subjects.DealStageChanged,
        stageChanged(qualified, { ...proposal, pipeline_id: leads.research.id }),
      );
      const [log] = await waitForLogs(rule.id, 1, 'stage_change log');
      await infra.nats.publish(Subjects.DealStageChanged, envelope, { dedupe: false });
      await drained('automation-rules-deal-stage-changed');
      expect((await logsOf(rule.id)).data).toHaveLength(1);
      expect(log).toMatchObject({
        deal_id: move.deal_id,
        lead_id: move.lead_id,
        trigger_data: { to_stage: 'proposal' },
      });

      await waitFor(async () => (commands.some((c) => c.data.reference === log.id) ? true : undefined), {
        message: 'moco command',
      });
      const command = commands.filter((c) => c.data.reference === log.id);
      expect(command).toHaveLength(1);
      expect(command[0].data).toMatchObject({
        operation: 'create_deal',
        lead: { id: move.lead_id, email: 'ada@example.com', job_title: 'Head of Lab' },
        deal: { id: move.deal_id, name: move.deal.name, value: move.deal.value },
        force: false,
      });
      await publish(Subjects.MocoSyncFailed, {
        idempotency_key: `automation-rule:${log.id}`,
        reference: log.id,
        operation: 'create_deal',
        lead_id: move.lead_id,
        deal_id: move.deal_id,
        error: {
          code: 'INTEGRATION_NOT_CONFIGURED',
          message: 'MOCO is not configured',
          retryable: false,
          vendor_status: null,
        },
        attempts: 1,
      });
      const failed = await waitFor(
        async () => (await logsOf(rule.id)).data.find((l) => l.success === false),
        {
          message: 'log failed',
        },
      );
      expect(failed.error_message).toBe('MOCO is not configured');
    });

    it('sends move_to_stage for the deal that moved; moves a rule made fire no stage_change rule', async () => {
      const rule = await createRule({
        pipeline_id: leads.research.id,
        trigger_type: 'stage_change',
        trigger_config: { to_stage: 'discovery' },
        action_type: 'move_to_stage',
        action_config: { target_stage: 'qualified' },
      });
      const commands = infra.nats.collect<LeadsMoveToStageV1>(Subjects.LeadsMoveToStage);
      const discovery = {
        ...newStage('Discovery', leads.research.id),
        id: leads.stage('research-lab', 'discovery').id,
      };
      const byPerson = stageChanged(null, discovery);
      const byRule = stageChanged(null, discovery, { reason: 'automation' });
      await publish(Subjects.DealStageChanged, byRule);
      await publish(Subjects.DealStageChanged, byPerson);
      const [log] = await waitForLogs(rule.id, 1, 'move_to_stage log');
      await drained('automation-rules-deal-stage-changed');
      expect((await logsOf(rule.id)).data.map((l) => l.deal_id)).toEqual([byPerson.deal_id]);
      await waitFor(async () => (commands.some((c) => c.data.reference === log.id) ? true : undefined), {
        message: 'move_to_stage command',
      });
      expect(commands.find((c) => c.data.reference === log.id)?.data).toEqual({
        lead_id: byPerson.lead_id,
        deal_id: byPerson.deal_id,
        pipeline_id: leads.research.id,
        target_stage: 'qualified',
        automation_rule_id: rule.id,
        reference: log.id,
      });
    });

    it('fires time_in_stage once per deal and stage entry, from one sweep runner at a time', async () => {
      const sweeper = app.get(TimeInStageSweepService);
      const tasks = infra.nats.collect<LeadsCreateTaskV1>(Subjects.LeadsCreateTask);
      const proposal = leads.stage('b2b-lab-enablement', 'proposal');
      const negotiation = leads.stage('b2b-lab-enablement', 'negotiation');
      const rule = await createRule({
        pipeline_id: leads.b2b.id,
        trigger_type: 'time_in_stage',
        trigger_config: { days: 3, stage_id: proposal.id },
        action_type: 'create_task',
        action_config: { title: 'Proposal is waiting' },
      });
      const ago = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
      const deal = (stageId: string, days: number) => ({
        deal_id: randomUUID(),
        lead_id: randomUUID(),
        pipeline_id: leads.b2b.id,
        stage_id: stageId,
        name: 'Lab rollout',
        value: 1000,
        currency: 'EUR',
        assigned_to: null,
        status: 'open' as const,
        created_at: ago(days),
      });
      const stale = deal(proposal.id, 5);
      const fresh = deal(proposal.id, 1);
      const won = deal(proposal.id, 5);
      const elsewhere = deal(negotiation.id, 5);
      for (const d of [stale, fresh, won, elsewhere]) await publish(Subjects.DealCreated, d);
      await publish(Subjects.DealWon, { ...won, close_reason: null, closed_at: ago(4) });
      await drained('automation-rules-deal-created');
      await drained('automation-rules-deal-won');

      // Another instance holds the sweep: this one does nothing.
      const holder = new Client({ connectionString: infra.db.url });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT pg_advisory_xact_lock(hashtext('automation.rules.time_in_stage_sweep'))`);
        expect(await sweeper.sweep()).toEqual({ ran: false, fired: 0 });
        await holder.query('COMMIT');
      } finally {
        await holder.end();
      }
      expect((await logsOf(rule.id)).data).toHaveLength(0);

      // Two sweeps at once: one fires, the other skips or finds nothing left.
      const results = await Promise.all([sweeper.sweep(), sweeper.sweep()]);
      expect(results.reduce((sum, r) => sum + r.fired, 0)).toBe(1);
      expect(await sweeper.sweep()).toEqual({ ran: true, fired: 0 });
      const logs = (await logsOf(rule.id)).data;
      expect(logs.map((l) => l.trigger_data.deal_id)).toEqual([stale.deal_id]);
      expect(logs[0]).toMatchObject({ lead_id: stale.lead_id, deal_id: stale.deal_id, success: null });

      // The task is leads' command for the deal's owner; leads' answer settles the log row.
      await waitFor(async () => (tasks.some((t) => t.data.reference === logs[0].id) ? true : undefined), {
        message: 'create_task command',
      });
      const task = tasks.filter((t) => t.data.reference === logs[0].id);
      expect(task).toHaveLength(1);
      expect(task[0].idempotency_key).toBe(`automation-rule:${logs[0].id}`);
      expect(task[0].data).toMatchObject({
        lead_id: stale.lead_id,
        deal_id: stale.deal_id,
        title: 'Proposal is waiting',
        task_type: 'follow_up',
        priority: 'medium',
        assign_strategy: 'deal_owner',
        automation_rule_id: rule.id,
        created_by: 'automation',
      });
      const taskId = randomUUID();
      await publish(Subjects.LeadsCreateTaskSucceeded, {
        idempotency_key: `automation-rule:${logs[0].id}`,
        reference: logs[0].id,
        task_id: taskId,
        lead_id: stale.lead_id,
        deal_id: stale.deal_id,
        assigned_to_id: null,
        attempts: 1,
      });
      const settled = await waitFor(
        async () => (await logsOf(rule.id)).data.find((l) => l.success === true),
        { message: 'task log settled' },
      );
      expect(settled.action_result).toMatchObject({ task_id: taskId });

      // Leaving the stage and entering it again is a new entry, which fires again once it is old enough.
      const left = stageChanged(null, newStage('Negotiation', leads.b2b.id), {
        deal_id: stale.deal_id,
        lead_id: stale.lead_id,
        from_stage_id: proposal.id,
        from_stage_slug: 'proposal',
        to_stage_id: negotiation.id,
        to_stage_slug: 'negotiation',
        occurred_at: ago(4.5),
      });
      const back = stageChanged(null, newStage('Proposal', leads.b2b.id), {
        deal_id: stale.deal_id,
        lead_id: stale.lead_id,
        from_stage_id: negotiation.id,
        from_stage_slug: 'negotiation',
        to_stage_id: proposal.id,
        to_stage_slug: 'proposal',
        occurred_at: ago(4),
      });
      await publish(Subjects.DealStageChanged, left);
      await publish(Subjects.DealStageChanged, back);
      await drained('automation-rules-deal-stage-changed');
      expect(await sweeper.sweep()).toEqual({ ran: true, fired: 1 });
      expect((await logsOf(rule.id)).data).toHaveLength(2);
    });
  });

  describe('logs and stats', () => {
    it('counts executions per rule and overall', async () => {
      const eventType = `signup_${randomUUID().slice(0, 8)}`;
      const rule = await createRule({
        trigger_type: 'event',
        trigger_config: { event_type: eventType },
        action_type: 'assign_owner',
        action_config: { role: 'bdr' },
      });
      const leadId = randomUUID();
      await publish(Subjects.LeadEventRecorded, recorded(eventType, { lead_id: leadId }));
      await publish(Subjects.LeadEventRecorded, recorded(eventType, { lead_id: leadId }));
      await waitForLogs(rule.id, 2, 'two firings');

      const read = await infra.nats.request<AutomationRuleView & { stats: AutomationRuleStatsView }>(
        Queries.AutomationGetRule,
        { id: rule.id },
      );
      // assign_owner has no executor yet: logged as failed, never as a success.
      expect((await logsOf(rule.id)).data.map((l) => [l.success, l.error_message])).toEqual([
        [false, 'assign_owner is not available yet'],
        [false, 'assign_owner is not available yet'],
      ]);
      expect(read.execution_count).toBe(2);
      expect(read.last_executed).not.toBeNull();
      expect(read.stats).toEqual({
        total_executions: 2,
        successful_executions: 0,
        failed_executions: 2,
        unique_leads: 1,
        last_7_days: 2,
      });
      const listed = await infra.nats.request<Page<AutomationRuleView>>(Queries.AutomationListRules, {
        action_type: 'assign_owner',
      });
      expect(listed.data.find((r) => r.id === rule.id)?.execution_count).toBe(2);

      const stats = await infra.nats.request<AutomationStatsView>(Queries.AutomationStats, {});
      expect(stats.rules.by_trigger_type.event).toBeGreaterThanOrEqual(7);
      expect(stats.rules.by_action_type.assign_owner).toBeGreaterThanOrEqual(1);
      expect(stats.executions.total_executions).toBeGreaterThanOrEqual(2);
      expect(stats.executions.executions_today).toBe(stats.executions.executions_7_days);
      expect(stats.top_rules_7d.find((r) => r.rule_id === rule.id)).toEqual({
        rule_id: rule.id,
        rule_name: 'Test rule',
        executions: 2,
        success_rate: 0,
      });
      expect((await rejection(logsOf(randomUUID()))).status).toBe(404);
    });

    it('erases the rule logs and rule state of an erased lead (api.md §17) and confirms with their count', async () => {
      const eventType = `erasable_${randomUUID().slice(0, 8)}`;
      const rule = await createRule({
        trigger_type: 'event',
        trigger_config: { event_type: eventType },
        action_type: 'send_notification',
        action_config: { channel: '#erasure', message: 'Hello {lead.email}' },
      });
      const leadId = randomUUID();
      await publish(Subjects.LeadEventRecorded, recorded(eventType, { lead_id: leadId }));
      await waitForLogs(rule.id, 1, 'firing before the erasure');
      const confirmations = infra.nats.collect<LeadErasureConfirmedV1>(
        Subjects.AutomationLeadErased,
        (e) => e.data.lead_id === leadId,
      );
      await publish(Subjects.LeadErased, {
        erasure_id: randomUUID(),
        lead_id: leadId,
        erased_at: new Date().toISOString(),
      });
      const [confirmation] = await waitFor(async () => (confirmations.length ? confirmations : undefined), {
        message: 'automation erasure confirmation',
      });
      expect(confirmation.data.deleted_records).toMatchObject({ automation_rule_logs: 1 });
      expect((await logsOf(rule.id)).data).toEqual([]);
      expect(
        await infra.query('SELECT 1 FROM automation.automation_rule_arming WHERE lead_id = $1', [leadId]),
      ).toEqual([]);
    });
  });
});
