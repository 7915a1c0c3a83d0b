import { randomUUID } from 'node:crypto';
import {
  Queries,
  Subjects,
  type DealAssignedV1,
  type DealClosedV1,
  type DealView,
  type LeadView,
  type MessageEnvelope,
  type PipelineView,
  type StageView,
  type Subject,
  type TaskView,
  type TeamMemberView,
} from '@crm/contracts';
import { LeadsTestApp } from './support/leads-test-app';

const USER = { type: 'user' as const, id: randomUUID(), name: 'Anna Admin' };

/** The api.md §19 deal and task events, each published once, through the outbox, with its documented fields. */
describe('leads: deal and task domain events (api.md §19)', () => {
  const app = new LeadsTestApp();
  let b2b: PipelineView;
  let stages: StageView[];
  let owner: TeamMemberView;
  let other: TeamMemberView;

  beforeAll(async () => {
    await app.start();
    const pipelines = (await app.call<{ data: PipelineView[] }>(Queries.LeadsListPipelines, {})).data;
    b2b = pipelines.find((p) => p.slug === 'b2b-lab-enablement')!;
    stages = (await app.call<{ data: StageView[] }>(Queries.LeadsListStages, { id: b2b.id })).data;
    const member = (role: string) =>
      app.call<TeamMemberView>(Queries.LeadsCreateTeamMember, {
        actor: USER,
        body: { email: `${role}.${randomUUID().slice(0, 8)}@dna-me.example`, name: `An ${role}`, role },
      });
    owner = await member('ae');
    other = await member('ae');
  });
  afterAll(() => app.stop());

  const newLead = () =>
    app.call<LeadView>(Queries.LeadsCreateLead, {
      actor: USER,
      body: { email: `events.${randomUUID().slice(0, 8)}@lab.example` },
    });
  const newDeal = async (lead: LeadView) =>
    app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: lead.id, pipeline_id: b2b.id, value: 12500.5, assigned_to: owner.email },
    });
  const published = async <T extends object>(subject: Subject, match: (data: T) => boolean) => {
    await app.outboxDrained();
    return (await app.streamMessages<T>('LEADS', subject)).filter((m: MessageEnvelope<T>) => match(m.data));
  };
  const ofDeal = (dealId: string) => (data: { deal_id?: string }) => data.deal_id === dealId;

  it('deal.created, deal.assigned on a change of owner only, deal.won, deal.reopened, deal.lost and deal.deleted', async () => {
    const lead = await newLead();
    const deal = await newDeal(lead);
    expect((await published(Subjects.DealCreated, ofDeal(deal.id))).map((m) => m.data)).toEqual([
      {
        deal_id: deal.id,
        lead_id: lead.id,
        pipeline_id: b2b.id,
        stage_id: stages[0].id,
        name: deal.name,
        value: 12500.5,
        currency: 'EUR',
        assigned_to: owner.id,
        status: 'open',
        created_at: deal.created_at,
      },
    ]);

    const patch = (body: Record<string, unknown>) =>
      app.call(Queries.LeadsUpdateDeal, { actor: USER, deal_id: deal.id, body });
    await patch({ assigned_to: other.id });
    await patch({ assigned_to: other.email, name: 'Renamed' }); // same owner: no event
    await patch({ assigned_to: null });
    expect(
      (await published<DealAssignedV1>(Subjects.DealAssigned, ofDeal(deal.id))).map((m) => [
        m.data.previous_assigned_to,
        m.data.assigned_to,
      ]),
    ).toEqual([
      [owner.id, other.id],
      [other.id, null],
    ]);

    const won = stages.find((s) => s.stage_type === 'closed_won')!;
    await app.call(Queries.LeadsCloseDeal, {
      actor: USER,
      deal_id: deal.id,
      body: { status: 'won', close_reason: 'signed' },
    });
    await app.call(Queries.LeadsReopenDeal, { actor: USER, deal_id: deal.id });
    const lost = stages.find((s) => s.stage_type === 'closed_lost')!;
    await app.call(Queries.LeadsMoveDeal, { actor: USER, deal_id: deal.id, body: { stage_id: lost.id } });
    await app.call(Queries.LeadsDeleteDeal, { actor: USER, deal_id: deal.id });

    expect((await published(Subjects.DealWon, ofDeal(deal.id))).map((m) => m.data)).toEqual([
      {
        deal_id: deal.id,
        lead_id: lead.id,
        pipeline_id: b2b.id,
        stage_id: won.id,
        name: 'Renamed',
        value: 12500.5,
        currency: 'EUR',
        close_reason: 'signed',
        assigned_to: null,
        closed_at: expect.any(String),
      },
    ]);
    expect((await published(Subjects.DealReopened, ofDeal(deal.id))).map((m) => m.data)).toEqual([
      { deal_id: deal.id, lead_id: lead.id, stage_id: stages[0].id, reopened_at: expect.any(String) },
    ]);
    expect(
      (await published<DealClosedV1>(Subjects.DealLost, ofDeal(deal.id))).map((m) => m.data.stage_id),
    ).toEqual([lost.id]);
    expect((await published(Subjects.DealDeleted, ofDeal(deal.id))).map((m) => m.data)).toEqual([
      { deal_id: deal.id, lead_id: lead.id, pipeline_id: b2b.id, deleted_at: expect.any(String) },
    ]);
  });

  it('a move between open stages is only deal.stage_changed; closing twice is refused and publishes nothing more', async () => {
    const deal = await newDeal(await newLead());
    await app.call(Queries.LeadsMoveDeal, {
      actor: USER,
      deal_id: deal.id,
      body: { stage_id: stages[1].id },
    });
    await app.call(Queries.LeadsCloseDeal, { actor: USER, deal_id: deal.id, body: { status: 'lost' } });
    expect(
      await app.request(Queries.LeadsCloseDeal, { actor: USER, deal_id: deal.id, body: { status: 'lost' } }),
    ).toMatchObject({ ok: false, error: { status: 422 } });
    expect(await published(Subjects.DealLost, ofDeal(deal.id))).toHaveLength(1);
    expect(await published(Subjects.DealWon, ofDeal(deal.id))).toHaveLength(0);
    expect(await published(Subjects.DealStageChanged, ofDeal(deal.id))).toHaveLength(2);
  });

  it('task.created on create, task.completed once on complete or on a PATCH to completed', async () => {
    const lead = await newLead();
    const create = async (title: string) =>
      (
        await app.call<{ data: TaskView }>(Queries.LeadsCreateTask, {
          actor: USER,
          body: { lead_id: lead.id, title, assigned_to: owner.email, due_date: '2026-12-24T09:00:00Z' },
        })
      ).data;
    const first = await create('Call back');
    const second = await create('Send offer');
    const ofTask = (id: string) => (data: { task_id?: string }) => data.task_id === id;
    expect((await published(Subjects.TaskCreated, ofTask(first.id))).map((m) => m.data)).toEqual([
      {
        task_id: first.id,
        lead_id: lead.id,
        deal_id: null,
        title: 'Call back',
        task_type: null,
        assigned_to: owner.id,
        due_date: '2026-12-24T09:00:00.000Z',
        priority: 'medium',
        status: 'open',
        created_by: USER.name,
      },
    ]);

    await app.call(Queries.LeadsTransitionTask, { actor: USER, id: first.id, transition: 'complete' });
    await app.call(Queries.LeadsTransitionTask, { actor: USER, id: first.id, transition: 'complete' });
    await app.call(Queries.LeadsUpdateTask, { actor: USER, id: second.id, body: { status: 'completed' } });
    await app.call(Queries.LeadsUpdateTask, { actor: USER, id: second.id, body: { title: 'Offer sent' } });
    expect((await published(Subjects.TaskCompleted, ofTask(first.id))).map((m) => m.data)).toEqual([
      expect.objectContaining({ task_id: first.id, status: 'completed', assigned_to: owner.id }),
    ]);
    expect(await published(Subjects.TaskCompleted, ofTask(second.id))).toHaveLength(1);
  });
});
