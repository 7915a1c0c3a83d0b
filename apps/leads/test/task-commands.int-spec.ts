import { randomUUID } from 'node:crypto';
import {
  Queries,
  Subjects,
  type DealView,
  type LeadsCreateTaskFailedV1,
  type LeadsCreateTaskV1,
  type LeadsMoveToStageV1,
  type LeadsRuleActionFailedV1,
  type LeadsRuleActionSucceededV1,
  type LeadsUpdateFieldV1,
  type LeadUpdatedV1,
  type LeadsTaskCreatedForCommandV1,
  type LeadView,
  type MessageEnvelope,
  type Page,
  type PipelineView,
  type StageView,
} from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { LeadsTestApp } from './support/leads-test-app';

const USER = { type: 'user' as const, id: randomUUID(), name: 'Anna Admin' };

/**
 * The commands automation sends leads, each executed once however often it arrives: api.md §9 `create_task`, and
 * §12 `update_field` of automation rules (one test app for both: a leads boot is the slow part).
 */
describe('leads: the create-task and update-field commands of automation', () => {
  const app = new LeadsTestApp();
  let b2b: PipelineView;

  beforeAll(async () => {
    await app.start();
    const pipelines = (await app.call<{ data: PipelineView[] }>(Queries.LeadsListPipelines, {})).data;
    b2b = pipelines.find((p) => p.slug === 'b2b-lab-enablement')!;
  });
  afterAll(() => app.stop());

  async function leadWithDeal(): Promise<{ lead: LeadView; deal: DealView; owner: { id: string } }> {
    const email = `task.${randomUUID().slice(0, 8)}@lab.example`;
    await app.ingest(app.ingestEvent({ lead_identifier: { email } }));
    const lead = (await app.call<Page<LeadView>>(Queries.LeadsListLeads, { search: email })).data[0];
    const owner = await app.call<{ id: string; email: string }>(Queries.LeadsCreateTeamMember, {
      actor: USER,
      body: { email: `owner.${randomUUID().slice(0, 8)}@dna-me.example`, name: 'Owner', role: 'ae' },
    });
    const deal = await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: lead.id, pipeline_id: b2b.id, value: 1000, assigned_to: owner.email },
    });
    return { lead, deal, owner };
  }

  function command(key: string, data: Partial<LeadsCreateTaskV1>): MessageEnvelope<LeadsCreateTaskV1> {
    return {
      id: randomUUID(),
      type: Subjects.LeadsCreateTask,
      occurred_at: new Date().toISOString(),
      producer: 'automation',
      correlation_id: randomUUID(),
      causation_id: null,
      idempotency_key: key,
      data: {
        title: 'Call the lead',
        priority: 'high',
        assign_strategy: 'deal_owner',
        created_by: 'automation',
        ...data,
      },
    };
  }

  async function resultsFor<T>(
    subject: typeof Subjects.LeadsCreateTaskSucceeded | typeof Subjects.LeadsCreateTaskFailed,
    key: string,
    count: number,
  ) {
    return waitFor(
      async () => {
        await app.outboxDrained();
        const all = await app.streamMessages<T & { idempotency_key: string }>('LEADS', subject);
        const mine = all.filter((m) => m.data.idempotency_key === key);
        return mine.length >= count ? mine : null;
      },
      { message: `${count} ${subject} for ${key}` },
    );
  }

  it('creates the task for the deal owner with its run, and a retried command answers with the same task', async () => {
    const { lead, deal, owner } = await leadWithDeal();
    const key = `trigger:${deal.id}:${randomUUID()}`;
    const runId = randomUUID();
    const first = command(key, {
      deal_id: deal.id,
      lead_id: lead.id,
      due_date: '2027-01-05T09:00:00.000Z',
      trigger_run_id: runId,
      reference: runId,
    });
    await app.redeliver(Subjects.LeadsCreateTask, first);
    await app.waitHandled(Subjects.LeadsCreateTask, first.id);
    // A manual retry of the run: a new envelope under the same idempotency key.
    const retry = { ...first, id: randomUUID() };
    await app.redeliver(Subjects.LeadsCreateTask, retry);
    await app.waitHandled(Subjects.LeadsCreateTask, retry.id);

    const tasks = await app.sql<Record<string, unknown>>(
      `SELECT id, title, assigned_to_id, deal_id, lead_id, priority, trigger_run_id, due_date
         FROM leads.tasks WHERE deal_id = $1`,
      [deal.id],
    );
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      title: 'Call the lead',
      assigned_to_id: owner.id,
      lead_id: lead.id,
      priority: 'high',
      trigger_run_id: runId,
      due_date: new Date('2027-01-05T09:00:00.000Z'),
    });
    const results = await resultsFor<LeadsTaskCreatedForCommandV1>(Subjects.LeadsCreateTaskSucceeded, key, 2);
    expect(results.map((r) => r.data.task_id)).toEqual([tasks[0].id, tasks[0].id]);
    expect(results[0].data).toMatchObject({ reference: runId, deal_id: deal.id, assigned_to_id: owner.id });
    // Only the first creation is a domain event (api.md §19 task.created).
    const created = (await app.streamMessages<{ task_id: string }>('LEADS', Subjects.TaskCreated)).filter(
      (m) => m.data.task_id === tasks[0].id,
    );
    expect(created).toHaveLength(1);
  });

  it('round robin gives two tasks created one after the other to two members', async () => {
    const { lead } = await leadWithDeal();
    const keys = [`rr:${randomUUID()}`, `rr:${randomUUID()}`];
    for (const key of keys) {
      const envelope = command(key, { lead_id: lead.id, assign_strategy: 'round_robin' });
      await app.redeliver(Subjects.LeadsCreateTask, envelope);
      await app.waitHandled(Subjects.LeadsCreateTask, envelope.id);
    }
    const assignees = await app.sql<{ assigned_to_id: string | null }>(
      `SELECT assigned_to_id FROM leads.tasks WHERE command_key = ANY($1) ORDER BY created_at`,
      [keys],
    );
    expect(assignees).toHaveLength(2);
    expect(assignees.every((a) => a.assigned_to_id)).toBe(true);
    expect(assignees[0].assigned_to_id).not.toBe(assignees[1].assigned_to_id);
  });

  it('refuses a deal that no longer exists with a failed result, creating nothing and not retrying', async () => {
    const key = `gone:${randomUUID()}`;
    const envelope = command(key, { deal_id: randomUUID(), reference: 'run-x' });
    await app.redeliver(Subjects.LeadsCreateTask, envelope);
    await app.waitHandled(Subjects.LeadsCreateTask, envelope.id);
    const [failed] = await resultsFor<LeadsCreateTaskFailedV1>(Subjects.LeadsCreateTaskFailed, key, 1);
    expect(failed.data).toMatchObject({
      reference: 'run-x',
      error: { code: 'deal_not_found', retryable: false },
      attempts: 1,
    });
    expect(await app.sql(`SELECT 1 FROM leads.tasks WHERE command_key = $1`, [key])).toEqual([]);
  });

  async function newLead(): Promise<LeadView> {
    const email = `rule.${randomUUID().slice(0, 8)}@lab.example`;
    await app.ingest(app.ingestEvent({ lead_identifier: { email } }));
    return (await app.call<Page<LeadView>>(Queries.LeadsListLeads, { search: email })).data[0];
  }

  function updateFieldCommand(key: string, data: LeadsUpdateFieldV1): MessageEnvelope<LeadsUpdateFieldV1> {
    return {
      id: randomUUID(),
      type: Subjects.LeadsUpdateField,
      occurred_at: new Date().toISOString(),
      producer: 'automation',
      correlation_id: randomUUID(),
      causation_id: null,
      idempotency_key: key,
      data,
    };
  }

  async function ruleActionResultsFor<T>(
    subject: typeof Subjects.LeadsRuleActionSucceeded | typeof Subjects.LeadsRuleActionFailed,
    key: string,
    count: number,
  ) {
    return waitFor(
      async () => {
        await app.outboxDrained();
        const all = await app.streamMessages<T & { idempotency_key: string }>('LEADS', subject);
        const mine = all.filter((m) => m.data.idempotency_key === key);
        return mine.length >= count ? mine : null;
      },
      { message: `${count} ${subject} for ${key}` },
    );
  }

  it('update_field (api.md §12 rules): sets the lifecycle stage as PATCH would, once, and answers a redelivered command again', async () => {
    const lead = await newLead();
    const logId = randomUUID();
    const key = `automation-rule:${logId}`;
    const first = updateFieldCommand(key, {
      lead_id: lead.id,
      field: 'lifecycle_stage',
      value: 'customer',
      automation_rule_id: randomUUID(),
      reference: logId,
    });
    await app.redeliver(Subjects.LeadsUpdateField, first);
    await app.waitHandled(Subjects.LeadsUpdateField, first.id);
    const again = { ...first, id: randomUUID() };
    await app.redeliver(Subjects.LeadsUpdateField, again);
    await app.waitHandled(Subjects.LeadsUpdateField, again.id);

    expect((await app.call<LeadView>(Queries.LeadsGetLead, { id: lead.id })).lifecycle_stage).toBe(
      'customer',
    );
    const results = await ruleActionResultsFor<LeadsRuleActionSucceededV1>(
      Subjects.LeadsRuleActionSucceeded,
      key,
      2,
    );
    expect(results.map((r) => r.data.result)).toEqual([
      { field: 'lifecycle_stage', value: 'customer', previous_value: 'lead', changed: true },
      { field: 'lifecycle_stage', value: 'customer', previous_value: 'customer', changed: false },
    ]);
    expect(results[0].data).toMatchObject({ reference: logId, action: 'update_field', lead_id: lead.id });
    // One change, one lead.updated (api.md §19).
    const updated = (await app.streamMessages<LeadUpdatedV1>('LEADS', Subjects.LeadUpdated)).filter(
      (m) => m.data.lead_id === lead.id,
    );
    expect(updated.map((m) => m.data.changed_fields)).toEqual([['lifecycle_stage']]);
  });

  it('update_field: refuses an unknown lead, a field leads does not own and an invalid value, changing nothing', async () => {
    const lead = await newLead();
    const cases: [LeadsUpdateFieldV1, string][] = [
      [{ lead_id: randomUUID(), field: 'status', value: 'qualified' }, 'lead_not_found'],
      [{ lead_id: lead.id, field: 'primary_intent', value: 'b2b' }, 'field_not_editable'],
      [{ lead_id: lead.id, field: 'status', value: 'vip' }, 'invalid_value'],
    ];
    for (const [data, code] of cases) {
      const key = `refused:${randomUUID()}`;
      const envelope = updateFieldCommand(key, data);
      await app.redeliver(Subjects.LeadsUpdateField, envelope);
      await app.waitHandled(Subjects.LeadsUpdateField, envelope.id);
      const [failed] = await ruleActionResultsFor<LeadsRuleActionFailedV1>(
        Subjects.LeadsRuleActionFailed,
        key,
        1,
      );
      expect(failed.data.error).toMatchObject({ code, retryable: false });
    }
    const after = await app.call<LeadView>(Queries.LeadsGetLead, { id: lead.id });
    expect(after).toMatchObject({ status: lead.status, primary_intent: lead.primary_intent });
  });

  it("move_to_stage (api.md §12 rules): moves the lead's open deal by stage slug as an automation move, once", async () => {
    const { lead, deal } = await leadWithDeal();
    const stages = (await app.call<{ data: StageView[] }>(Queries.LeadsListStages, { id: b2b.id })).data;
    const target = stages.find((s) => s.id !== deal.stage_id && !s.stage_type?.startsWith('closed'))!;
    const logId = randomUUID();
    const key = `automation-rule:${logId}`;
    const envelope: MessageEnvelope<LeadsMoveToStageV1> = {
      ...updateFieldCommand(key, { lead_id: lead.id, field: 'status', value: 'new' }),
      type: Subjects.LeadsMoveToStage,
      data: { lead_id: lead.id, pipeline_id: b2b.id, target_stage: target.slug, reference: logId },
    };
    await app.redeliver(Subjects.LeadsMoveToStage, envelope);
    await app.waitHandled(Subjects.LeadsMoveToStage, envelope.id);
    const again = { ...envelope, id: randomUUID() };
    await app.redeliver(Subjects.LeadsMoveToStage, again);
    await app.waitHandled(Subjects.LeadsMoveToStage, again.id);

    expect((await app.call<DealView>(Queries.LeadsGetDeal, { id: deal.id })).stage_id).toBe(target.id);
    const history = await app.sql<{ reason: string }>(
      `SELECT reason FROM leads.deal_stage_history WHERE deal_id = $1 AND to_stage_id = $2`,
      [deal.id, target.id],
    );
    expect(history).toEqual([{ reason: 'automation' }]);
    const results = await ruleActionResultsFor<LeadsRuleActionSucceededV1>(
      Subjects.LeadsRuleActionSucceeded,
      key,
      2,
    );
    expect(results.map((r) => r.data.result.moved)).toEqual([true, false]);
    expect(results[0].data).toMatchObject({ action: 'move_to_stage', reference: logId });

    const unknownStage = `move:${randomUUID()}`;
    const refused: MessageEnvelope<LeadsMoveToStageV1> = {
      ...envelope,
      id: randomUUID(),
      idempotency_key: unknownStage,
      data: { lead_id: lead.id, deal_id: deal.id, target_stage: 'no-such-stage' },
    };
    await app.redeliver(Subjects.LeadsMoveToStage, refused);
    await app.waitHandled(Subjects.LeadsMoveToStage, refused.id);
    const [failed] = await ruleActionResultsFor<LeadsRuleActionFailedV1>(
      Subjects.LeadsRuleActionFailed,
      unknownStage,
      1,
    );
    expect(failed.data.error).toMatchObject({ code: 'stage_not_found', retryable: false });
  });
});
