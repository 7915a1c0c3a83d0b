import { randomUUID } from 'node:crypto';
import {
  Queries,
  type DealView,
  type LeadView,
  type Page,
  type PipelineView,
  type StageHistoryView,
  type StageView,
} from '@crm/contracts';
import { LeadsTestApp } from './support/leads-test-app';

const USER = { type: 'user' as const, id: randomUUID(), name: 'Mara Marketing' };
const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

describe('leads: pipeline and stage edits (api.md §7, real PostgreSQL + NATS)', () => {
  const app = new LeadsTestApp();
  const tag = () => randomUUID().slice(0, 8);

  beforeAll(() => app.start());
  afterAll(() => app.stop());

  const createPipeline = (body: Record<string, unknown>) =>
    app.request<PipelineView>(Queries.LeadsCreatePipeline, { actor: USER, body });
  const updatePipeline = (id: string, body: Record<string, unknown>) =>
    app.request<PipelineView>(Queries.LeadsUpdatePipeline, { actor: USER, id, body });
  const deletePipeline = (id: string) => app.request(Queries.LeadsDeletePipeline, { actor: USER, id });
  const createStage = (pipelineId: string, body: Record<string, unknown>, stageId?: string) =>
    app.request<StageView>(Queries.LeadsCreateStage, {
      actor: USER,
      pipeline_id: pipelineId,
      body,
      ...(stageId ? { stage_id: stageId } : {}),
    });
  const updateStage = (id: string, body: Record<string, unknown>) =>
    app.request<StageView>(Queries.LeadsUpdateStage, { actor: USER, id, body });
  const deleteStage = (id: string) => app.request(Queries.LeadsDeleteStage, { actor: USER, id });
  const reorder = (pipelineId: string, stageIds: string[]) =>
    app.request<{ data: StageView[] }>(Queries.LeadsReorderStages, {
      actor: USER,
      pipeline_id: pipelineId,
      body: { stage_ids: stageIds },
    });
  const stagesOf = async (pipelineId: string) =>
    (await app.call<{ data: StageView[] }>(Queries.LeadsListStages, { id: pipelineId })).data;
  const defaults = async () =>
    (await app.sql<{ slug: string }>('SELECT slug FROM leads.pipelines WHERE is_default')).map((r) => r.slug);
  const bySlug = async (slug: string) =>
    (
      await app.call<{ data: PipelineView[] }>(Queries.LeadsListPipelines, { include_inactive: true })
    ).data.find((p) => p.slug === slug)!;

  /** A pipeline with stages named `a`, `b`, `c`… (positions 1…n). */
  async function pipelineWithStages(
    names: string[],
  ): Promise<{ pipeline: PipelineView; stages: StageView[] }> {
    const created = await createPipeline({ name: `Pipeline ${tag()}` });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    for (const name of names) await createStage(created.data.id, { name });
    return { pipeline: created.data, stages: await stagesOf(created.data.id) };
  }

  async function newLead(): Promise<LeadView> {
    const email = `pipe.${tag()}@lab-${tag()}.example`;
    await app.ingest(app.ingestEvent({ lead_identifier: { email }, metadata: { first_name: 'Ida' } }));
    return (await app.call<Page<LeadView>>(Queries.LeadsListLeads, { search: email })).data[0];
  }

  async function newDeal(pipelineId: string, stageId: string, value = 100): Promise<DealView> {
    const lead = await newLead();
    return app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: lead.id, pipeline_id: pipelineId, stage_id: stageId, value },
    });
  }

  describe('pipelines', () => {
    it('creates a pipeline with every field, the slug derived from the name by default', async () => {
      const name = `Clinical Trials ${tag()}`;
      const created = await createPipeline({
        name,
        description: 'CRO partners',
        sales_cycle_days: 90,
        target_persona: 'Head of Clinical Operations',
        config: { currency: 'EUR' },
      });
      expect(created).toEqual({
        ok: true,
        data: {
          id: expect.any(String),
          slug: name.toLowerCase().replace(/ /g, '-'),
          name,
          description: 'CRO partners',
          is_active: true,
          is_default: false,
          sales_cycle_days: 90,
          target_persona: 'Head of Clinical Operations',
          config: { currency: 'EUR' },
          created_at: ISO,
          updated_at: ISO,
        },
      });
      const bare = await app.call<PipelineView>(Queries.LeadsCreatePipeline, {
        actor: USER,
        body: { name: 'Bare', slug: `bare-${tag()}`, is_active: false, config: null },
      });
      expect(bare).toMatchObject({
        name: 'Bare',
        description: null,
        is_active: false,
        is_default: false,
        sales_cycle_days: null,
        target_persona: null,
        config: {},
      });
    });

    it('answers 409 naming the slug for a taken one, and 400 with the field for bad input', async () => {
      const slug = `taken-${tag()}`;
      expect((await createPipeline({ name: 'First', slug })).ok).toBe(true);
      expect(await createPipeline({ name: 'Second', slug })).toMatchObject({
        ok: false,
        error: { status: 409, code: 'CONFLICT', details: { slug } },
      });
      const cases: [Record<string, unknown>, string][] = [
        [{ name: 'X', slug: 'Upper Case' }, 'body.slug'],
        [{ name: 'X', slug: 'a'.repeat(101) }, 'body.slug'],
        [{ name: '' }, 'body.name'],
        [{ name: 'x'.repeat(256) }, 'body.name'],
        [{ name: 'X', sales_cycle_days: 0 }, 'body.sales_cycle_days'],
        [{ name: 'X', target_persona: 'p'.repeat(256) }, 'body.target_persona'],
        [{ name: 'X', config: 'text' }, 'body.config'],
        [{ name: '!!!' }, 'body.slug'],
      ];
      for (const [body, path] of cases) {
        expect(await createPipeline(body)).toMatchObject({
          ok: false,
          error: {
            status: 400,
            code: 'VALIDATION_ERROR',
            details: { validation_errors: expect.arrayContaining([expect.objectContaining({ path })]) },
          },
        });
      }
    });

    it('PATCH is partial: null clears nullable fields, leaves name and slug; 404 unknown; 409 taken slug', async () => {
      const { data: pipeline } = (await createPipeline({
        name: 'Patch me',
        slug: `patch-${tag()}`,
        description: 'before',
        sales_cycle_days: 30,
        target_persona: 'PI',
        config: { a: 1 },
      })) as { data: PipelineView };
      const patched = await updatePipeline(pipeline.id, {
        name: null,
        slug: null,
        description: null,
        sales_cycle_days: null,
        target_persona: 'Lab manager',
        config: { b: 2 },
        is_active: false,
      });
      expect(patched).toEqual({
        ok: true,
        data: {
          ...pipeline,
          description: null,
          sales_cycle_days: null,
          target_persona: 'Lab manager',
          config: { b: 2 },
          is_active: false,
          updated_at: ISO,
        },
      });
      const renamed = await app.call<PipelineView>(Queries.LeadsUpdatePipeline, {
        actor: USER,
        id: pipeline.id,
        body: { name: 'Renamed', slug: `${pipeline.slug}-2` },
      });
      expect([renamed.name, renamed.slug]).toEqual(['Renamed', `${pipeline.slug}-2`]);
      expect(await updatePipeline(pipeline.id, { slug: 'research-lab' })).toMatchObject({
        ok: false,
        error: { status: 409, details: { slug: 'research-lab' } },
      });
      expect(await updatePipeline(randomUUID(), { name: 'X' })).toMatchObject({
        ok: false,
        error: { status: 404, code: 'NOT_FOUND', details: { resource: 'Pipeline' } },
      });
    });

    it('keeps exactly one default: is_default true moves it; unsetting or deactivating the default is 400', async () => {
      expect(await defaults()).toEqual(['discovery']);
      const { data: first } = (await createPipeline({ name: `Default ${tag()}`, is_default: true })) as {
        data: PipelineView;
      };
      expect(first.is_default).toBe(true);
      expect(await defaults()).toEqual([first.slug]);
      expect((await bySlug('discovery')).is_default).toBe(false);

      const moved = await updatePipeline((await bySlug('discovery')).id, { is_default: true });
      expect(moved).toMatchObject({ ok: true, data: { slug: 'discovery', is_default: true } });
      expect(await defaults()).toEqual(['discovery']);

      const discovery = await bySlug('discovery');
      expect(await updatePipeline(discovery.id, { is_default: false })).toMatchObject({
        ok: false,
        error: { status: 400, details: { validation_errors: [{ path: 'body.is_default' }] } },
      });
      expect(await updatePipeline(discovery.id, { is_active: false })).toMatchObject({
        ok: false,
        error: { status: 400, details: { validation_errors: [{ path: 'body.is_active' }] } },
      });
      expect(
        await createPipeline({ name: 'Inactive default', is_default: true, is_active: false }),
      ).toMatchObject({
        ok: false,
        error: { status: 400, details: { validation_errors: [{ path: 'body.is_active' }] } },
      });
      expect(await defaults()).toEqual(['discovery']);
    });

    it('two concurrent is_default:true PATCHes both succeed and leave exactly one default, one of them', async () => {
      for (let round = 0; round < 5; round++) {
        const a = ((await createPipeline({ name: `Race A ${tag()}` })) as { data: PipelineView }).data;
        const b = ((await createPipeline({ name: `Race B ${tag()}` })) as { data: PipelineView }).data;
        const replies = await Promise.all([
          updatePipeline(a.id, { is_default: true }),
          updatePipeline(b.id, { is_default: true }),
        ]);
        expect(replies.map((r) => r.ok)).toEqual([true, true]);
        const now = await defaults();
        expect(now).toHaveLength(1);
        expect([a.slug, b.slug]).toContain(now[0]);
      }
      await updatePipeline((await bySlug('discovery')).id, { is_default: true });
      expect(await defaults()).toEqual(['discovery']);
    });

    it('deletes a pipeline with its stages (204); 400 for the default, 409 while deals or routing settings hold it, 404 unknown', async () => {
      const { pipeline, stages } = await pipelineWithStages(['One', 'Two']);
      expect(await deletePipeline(pipeline.id)).toEqual({ ok: true, data: { success: true } });
      expect(await app.request(Queries.LeadsGetPipeline, { id: pipeline.id })).toMatchObject({
        ok: false,
        error: { status: 404 },
      });
      expect(
        await app.sql('SELECT id FROM leads.stages WHERE id = ANY($1)', [stages.map((s) => s.id)]),
      ).toEqual([]);
      expect(await deletePipeline(pipeline.id)).toMatchObject({ ok: false, error: { status: 404 } });

      expect(await deletePipeline((await bySlug('discovery')).id)).toMatchObject({
        ok: false,
        error: { status: 400, code: 'VALIDATION_ERROR' },
      });

      const research = await bySlug('research-lab');
      expect(await deletePipeline(research.id)).toMatchObject({
        ok: false,
        error: {
          status: 409,
          code: 'CONFLICT',
          details: { slug: 'research-lab', routing_config: ['intent_to_pipeline.research'] },
        },
      });
      expect(await updatePipeline(research.id, { slug: 'research-lab-2' })).toMatchObject({
        ok: false,
        error: { status: 409, details: { routing_config: ['intent_to_pipeline.research'] } },
      });
      expect((await bySlug('research-lab')).id).toBe(research.id);

      const withOpen = await pipelineWithStages(['Open']);
      await newDeal(withOpen.pipeline.id, withOpen.stages[0].id);
      expect(await deletePipeline(withOpen.pipeline.id)).toMatchObject({
        ok: false,
        error: { status: 409, details: { open_deals: 1, closed_deals: 0 } },
      });

      const withClosed = await pipelineWithStages(['Open']);
      const deal = await newDeal(withClosed.pipeline.id, withClosed.stages[0].id);
      await app.call(Queries.LeadsCloseDeal, { actor: USER, deal_id: deal.id, body: { status: 'lost' } });
      expect(await deletePipeline(withClosed.pipeline.id)).toMatchObject({
        ok: false,
        error: { status: 409, details: { open_deals: 0, closed_deals: 1 } },
      });
    });
  });

  describe('stages', () => {
    it('creates a stage last by default, or at a position with the later stages moved down', async () => {
      const { pipeline, stages } = await pipelineWithStages(['Alpha', 'Beta']);
      expect(stages.map((s) => [s.position, s.slug])).toEqual([
        [1, 'alpha'],
        [2, 'beta'],
      ]);
      const minted = randomUUID();
      const created = await createStage(
        pipeline.id,
        { name: 'Gamma Review', color: '#A1b2C3', stage_type: 'evaluation', position: 2 },
        minted,
      );
      expect(created).toEqual({
        ok: true,
        data: {
          id: minted,
          pipeline_id: pipeline.id,
          slug: 'gamma-review',
          name: 'Gamma Review',
          position: 2,
          color: '#A1b2C3',
          stage_type: 'evaluation',
          created_at: ISO,
        },
      });
      expect((await stagesOf(pipeline.id)).map((s) => [s.position, s.slug])).toEqual([
        [1, 'alpha'],
        [2, 'gamma-review'],
        [3, 'beta'],
      ]);
      const far = await createStage(pipeline.id, { name: 'Omega', slug: 'omega', position: 99 });
      expect(far).toMatchObject({
        ok: true,
        data: { position: 4, slug: 'omega', color: null, stage_type: null },
      });
      const first = await createStage(pipeline.id, { name: 'Zero', position: 1 });
      expect(first).toMatchObject({ ok: true, data: { position: 1 } });
      expect((await stagesOf(pipeline.id)).map((s) => [s.position, s.slug])).toEqual([
        [1, 'zero'],
        [2, 'alpha'],
        [3, 'gamma-review'],
        [4, 'beta'],
        [5, 'omega'],
      ]);
    });

    it('409 for a slug or stage_type the pipeline has; 400 for bad fields; 404 for an unknown pipeline', async () => {
      const { pipeline } = await pipelineWithStages(['Alpha']);
      await createStage(pipeline.id, { name: 'Won', stage_type: 'closed_won' });
      expect(await createStage(pipeline.id, { name: 'Alpha' })).toMatchObject({
        ok: false,
        error: { status: 409, code: 'CONFLICT', details: { slug: 'alpha' } },
      });
      expect(await createStage(pipeline.id, { name: 'Won again', stage_type: 'closed_won' })).toMatchObject({
        ok: false,
        error: { status: 409, details: { stage_type: 'closed_won' } },
      });
      // Slugs are unique per pipeline only.
      const other = await pipelineWithStages([]);
      expect(await createStage(other.pipeline.id, { name: 'Alpha' })).toMatchObject({ ok: true });
      for (const [body, path] of [
        [{ name: 'X', color: 'red' }, 'body.color'],
        [{ name: 'X', color: '#12345' }, 'body.color'],
        [{ name: 'X', stage_type: 'won' }, 'body.stage_type'],
        [{ name: 'X', position: 0 }, 'body.position'],
        [{ name: 'X', slug: 'no_underscores' }, 'body.slug'],
        [{}, 'body.name'],
      ] as [Record<string, unknown>, string][]) {
        expect(await createStage(pipeline.id, body)).toMatchObject({
          ok: false,
          error: {
            status: 400,
            details: { validation_errors: expect.arrayContaining([expect.objectContaining({ path })]) },
          },
        });
      }
      expect(await createStage(randomUUID(), { name: 'X' })).toMatchObject({
        ok: false,
        error: { status: 404, details: { resource: 'Pipeline' } },
      });
      expect((await stagesOf(pipeline.id)).map((s) => s.position)).toEqual([1, 2]);
    });

    it('PATCH changes name, slug, color and stage_type (null clears); 409 for a taken type or slug; 404 unknown', async () => {
      const { pipeline, stages } = await pipelineWithStages(['Alpha', 'Beta']);
      await updateStage(stages[0].id, { stage_type: 'awareness', color: '#111111' });
      const patched = await updateStage(stages[0].id, {
        name: 'Alpha 2',
        slug: 'alpha-2',
        color: null,
        stage_type: null,
      });
      expect(patched).toEqual({
        ok: true,
        data: { ...stages[0], name: 'Alpha 2', slug: 'alpha-2', color: null, stage_type: null },
      });
      await updateStage(stages[1].id, { stage_type: 'decision' });
      expect(await updateStage(stages[0].id, { stage_type: 'decision' })).toMatchObject({
        ok: false,
        error: { status: 409, details: { stage_type: 'decision' } },
      });
      expect(await updateStage(stages[0].id, { slug: 'beta' })).toMatchObject({
        ok: false,
        error: { status: 409, details: { slug: 'beta' } },
      });
      expect(await updateStage(stages[0].id, { color: 'blue' })).toMatchObject({
        ok: false,
        error: { status: 400 },
      });
      expect(await updateStage(randomUUID(), { name: 'X' })).toMatchObject({
        ok: false,
        error: { status: 404, details: { resource: 'Stage' } },
      });
      expect((await stagesOf(pipeline.id)).map((s) => [s.slug, s.stage_type])).toEqual([
        ['alpha-2', null],
        ['beta', 'decision'],
      ]);
    });

    it('reorders when stage_ids lists every stage exactly once, else 400 and nothing changes', async () => {
      const { pipeline, stages } = await pipelineWithStages(['A', 'B', 'C']);
      const [a, b, c] = stages.map((s) => s.id);
      const foreign = (await stagesOf((await bySlug('discovery')).id))[0].id;
      const cases: [string[], string[]][] = [
        [[a, b], [`missing stages: ${c}`]],
        [[a, b, c, a], [`${a} is listed more than once`]],
        [[a, b, c, foreign], [`${foreign} is not a stage of this pipeline`]],
        [
          [a, b, foreign],
          [`${foreign} is not a stage of this pipeline`, `missing stages: ${c}`],
        ],
      ];
      for (const [ids, messages] of cases) {
        expect(await reorder(pipeline.id, ids)).toEqual({
          ok: false,
          error: {
            status: 400,
            code: 'VALIDATION_ERROR',
            message: expect.any(String),
            details: {
              validation_errors: messages.map((message) => ({
                path: 'body.stage_ids',
                message,
                code: 'stageSet',
              })),
            },
          },
        });
      }
      expect(await reorder(pipeline.id, [])).toMatchObject({ ok: false, error: { status: 400 } });
      expect((await stagesOf(pipeline.id)).map((s) => s.id)).toEqual([a, b, c]);

      const reordered = await reorder(pipeline.id, [c, a, b]);
      expect(reordered).toEqual({
        ok: true,
        data: {
          data: [
            { ...stages[2], position: 1 },
            { ...stages[0], position: 2 },
            { ...stages[1], position: 3 },
          ],
        },
      });
      expect(await reorder(randomUUID(), [a])).toMatchObject({ ok: false, error: { status: 404 } });
    });

    it('deletes a stage and renumbers the rest; 409 while deals are in it; 400 for the last; history keeps the name', async () => {
      const { pipeline, stages } = await pipelineWithStages(['A', 'B', 'C', 'D']);
      const [a, b, c, d] = stages;
      const deal = await newDeal(pipeline.id, a.id);
      await app.call(Queries.LeadsMoveDeal, { actor: USER, deal_id: deal.id, body: { stage_id: b.id } });
      await app.call(Queries.LeadsMoveDeal, { actor: USER, deal_id: deal.id, body: { stage_id: c.id } });

      expect(await deleteStage(c.id)).toMatchObject({
        ok: false,
        error: { status: 409, code: 'CONFLICT', details: { open_deals: 1, closed_deals: 0 } },
      });
      expect(await deleteStage(b.id)).toEqual({ ok: true, data: { success: true } });
      expect((await stagesOf(pipeline.id)).map((s) => [s.position, s.id])).toEqual([
        [1, a.id],
        [2, c.id],
        [3, d.id],
      ]);
      const history = (
        await app.call<{ data: StageHistoryView[] }>(Queries.LeadsDealHistory, { id: deal.id })
      ).data;
      expect(
        history.map((h) => [h.from_stage_id, h.from_stage_name, h.to_stage_id, h.to_stage_name]),
      ).toEqual([
        [null, null, a.id, 'A'],
        [a.id, 'A', null, 'B'],
        [null, 'B', c.id, 'C'],
      ]);
      expect(await deleteStage(b.id)).toMatchObject({ ok: false, error: { status: 404 } });

      const single = await pipelineWithStages(['Only']);
      expect(await deleteStage(single.stages[0].id)).toMatchObject({ ok: false, error: { status: 400 } });
      expect(await stagesOf(single.pipeline.id)).toHaveLength(1);
    });
  });

  describe('GET /pipelines/:id/deals', () => {
    it('lists the deals in board order as the deal view of §8, filtered by status, with limit and offset', async () => {
      const { pipeline, stages } = await pipelineWithStages(['First', 'Second']);
      const late = await newDeal(pipeline.id, stages[1].id, 300);
      const early = await newDeal(pipeline.id, stages[0].id, 100);
      const lost = await newDeal(pipeline.id, stages[0].id, 200);
      await app.call(Queries.LeadsCloseDeal, { actor: USER, deal_id: lost.id, body: { status: 'lost' } });
      await newDeal(
        (await bySlug('research-lab')).id,
        (await stagesOf((await bySlug('research-lab')).id))[0].id,
      );

      const all = await app.call<{ data: DealView[] }>(Queries.LeadsListPipelineDeals, { id: pipeline.id });
      expect(all.data.map((deal) => deal.id)).toEqual([early.id, lost.id, late.id]);
      for (const deal of all.data) {
        expect(deal).toEqual(await app.call(Queries.LeadsGetDeal, { id: deal.id }));
      }
      const open = await app.call<{ data: DealView[] }>(Queries.LeadsListPipelineDeals, {
        id: pipeline.id,
        status: 'open',
      });
      expect(open.data.map((deal) => deal.id)).toEqual([early.id, late.id]);
      const page = await app.call<{ data: DealView[] }>(Queries.LeadsListPipelineDeals, {
        id: pipeline.id,
        limit: 1,
        offset: 1,
      });
      expect(page.data.map((deal) => deal.id)).toEqual([lost.id]);

      expect(await app.request(Queries.LeadsListPipelineDeals, { id: randomUUID() })).toMatchObject({
        ok: false,
        error: { status: 404, details: { resource: 'Pipeline' } },
      });
      for (const bad of [{ limit: 101 }, { limit: 0 }, { offset: -1 }, { status: 'closed' }]) {
        expect(await app.request(Queries.LeadsListPipelineDeals, { id: pipeline.id, ...bad })).toMatchObject({
          ok: false,
          error: { status: 400 },
        });
      }
    });
  });
});
