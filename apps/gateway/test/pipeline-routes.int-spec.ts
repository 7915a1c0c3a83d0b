import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import {
  BadRequestError,
  ConflictError,
  DomainError,
  ErrorCode,
  NotFoundError,
  Queries,
  ValidationFailedError,
  type PipelineView,
  type StageView,
  type TriggerView,
} from '@crm/contracts';
import { GatewayHarness, UUID } from './support/gateway-harness';
import { RpcResponders } from './support/rpc-responders';

const KEY = 'pipeline-routes-key-all-scopes';
const JWT_SECRET = 'pipeline-routes-test-secret-0123456789abcdef';

let gw: GatewayHarness;
const jwt = new JwtService({ secret: JWT_SECRET });
const responders = new RpcResponders(() => gw);
const responder = (subject: string, handler: (data: any) => unknown) => responders.answer(subject, handler);

const member = { id: randomUUID(), email: 'mira@dna-me.example' };
const token = (role: string) =>
  jwt.sign({ sub: member.id, id: member.id, email: member.email, role, typ: 'access', jti: randomUUID() });
const as = (role: string) => ({ authorization: `Bearer ${token(role)}` });
const ACTOR = { type: 'user', id: member.id, name: member.email };

const pipelineId = randomUUID();
const stageId = randomUUID();

const pipeline: PipelineView = {
  id: pipelineId,
  slug: 'clinical-trials',
  name: 'Clinical Trials',
  description: null,
  is_active: true,
  is_default: false,
  sales_cycle_days: 90,
  target_persona: null,
  config: {},
  created_at: '2026-12-01T10:00:00.000Z',
  updated_at: '2026-12-01T10:00:00.000Z',
};

const stage: StageView = {
  id: stageId,
  pipeline_id: pipelineId,
  slug: 'qualified',
  name: 'Qualified',
  position: 2,
  color: '#22C55E',
  stage_type: 'interest',
  created_at: '2026-12-01T10:00:00.000Z',
};

const trigger: TriggerView = {
  id: randomUUID(),
  action: 'send_slack_message',
  name: null,
  description: null,
  on: 'enter',
  conditions: {},
  config: { channel: '#sales', message: 'New {deal.name}' },
  enabled: true,
};
const triggerInput = {
  action: 'send_slack_message',
  config: { channel: '#sales', message: 'New {deal.name}' },
};

beforeAll(async () => {
  gw = await GatewayHarness.start({
    API_KEYS: `${KEY}:api:events:write+read+write`,
    JWT_SECRET,
    RPC_TIMEOUT_MS: '1000',
  });
});
afterEach(() => responders.stopAll());
afterAll(async () => {
  await gw?.close();
});

const EDITS: [string, string, string, unknown][] = [
  ['POST', '/api/v1/pipelines', Queries.LeadsCreatePipeline, { name: 'X' }],
  ['PATCH', `/api/v1/pipelines/${pipelineId}`, Queries.LeadsUpdatePipeline, { name: 'X' }],
  ['DELETE', `/api/v1/pipelines/${pipelineId}`, Queries.LeadsDeletePipeline, undefined],
  ['POST', `/api/v1/pipelines/${pipelineId}/stages`, Queries.LeadsCreateStage, { name: 'X' }],
  [
    'POST',
    `/api/v1/pipelines/${pipelineId}/stages/reorder`,
    Queries.LeadsReorderStages,
    { stage_ids: [stageId] },
  ],
  ['PATCH', `/api/v1/stages/${stageId}`, Queries.LeadsUpdateStage, { name: 'X' }],
  ['DELETE', `/api/v1/stages/${stageId}`, Queries.LeadsDeleteStage, undefined],
];

describe('pipeline and stage edits are `config` routes (api.md §1.2)', () => {
  it.each(EDITS)(
    '%s %s refuses a bdr, an API key with every scope and no credentials, asking nobody',
    async (method, path, subject, body) => {
      const leads = await responder(subject, () => ({}));
      for (const [headers, status, code] of [
        [as('bdr'), 403, 'AUTHORIZATION_ERROR'],
        [as('ae'), 403, 'AUTHORIZATION_ERROR'],
        [{ 'x-api-key': KEY }, 403, 'AUTHORIZATION_ERROR'],
        [{}, 401, 'AUTHENTICATION_ERROR'],
      ] as const) {
        const response = await gw.request(path, { method, headers, body });
        expect([response.status, response.body.error.code]).toEqual([status, code]);
      }
      expect(leads.calls).toHaveLength(0);
    },
  );

  it.each(['admin', 'marketing_manager'])(
    'lets a %s delete a pipeline (204, no body), naming the member',
    async (role) => {
      const leads = await responder(Queries.LeadsDeletePipeline, () => ({ success: true }));
      const response = await gw.request(`/api/v1/pipelines/${pipelineId}`, {
        method: 'DELETE',
        headers: as(role),
      });
      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect(leads.calls).toEqual([{ actor: ACTOR, id: pipelineId }]);
    },
  );
});

describe('pipelines', () => {
  it('POST /pipelines validates the body and answers 201 with the pipeline', async () => {
    const leads = await responder(Queries.LeadsCreatePipeline, () => pipeline);
    const body = { name: 'Clinical Trials', sales_cycle_days: 90, is_default: false };
    const response = await gw.request('/api/v1/pipelines', { method: 'POST', headers: as('admin'), body });
    expect(response.status).toBe(201);
    expect(response.body).toEqual(pipeline);
    expect(leads.calls).toEqual([
      { actor: ACTOR, body: { name: 'Clinical Trials', sales_cycle_days: 90, is_default: false } },
    ]);
  });

  it('POST /pipelines answers 400 with every bad field before asking leads', async () => {
    const leads = await responder(Queries.LeadsCreatePipeline, () => pipeline);
    const response = await gw.request('/api/v1/pipelines', {
      method: 'POST',
      headers: as('admin'),
      body: { slug: 'Not A Slug', sales_cycle_days: 0, target_persona: 'x'.repeat(256), is_active: 'yes' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_ERROR');
    expect(
      [...new Set(response.body.error.details.validation_errors.map((e: { path: string }) => e.path))].sort(),
    ).toEqual(['is_active', 'name', 'sales_cycle_days', 'slug', 'target_persona'].sort());
    expect(leads.calls).toHaveLength(0);
  });

  it('PATCH /pipelines/:id answers 200; leads 404 and 409 pass through; a malformed id is 400', async () => {
    const switched = { ...pipeline, is_default: true };
    const leads = await responder(Queries.LeadsUpdatePipeline, (command) => {
      if (command.id !== pipelineId) throw new NotFoundError('Pipeline', command.id);
      if (command.body.slug === 'research-lab')
        throw new ConflictError('Another pipeline has this slug', { slug: 'research-lab' });
      return switched;
    });
    const ok = await gw.request(`/api/v1/pipelines/${pipelineId}`, {
      method: 'PATCH',
      headers: as('marketing_manager'),
      body: { is_default: true, description: null },
    });
    expect([ok.status, ok.body]).toEqual([200, switched]);
    expect(leads.calls[0]).toEqual({
      actor: ACTOR,
      id: pipelineId,
      body: { is_default: true, description: null },
    });

    const conflict = await gw.request(`/api/v1/pipelines/${pipelineId}`, {
      method: 'PATCH',
      headers: as('admin'),
      body: { slug: 'research-lab' },
    });
    expect([conflict.status, conflict.body.error.code, conflict.body.error.details]).toEqual([
      409,
      'CONFLICT',
      { slug: 'research-lab' },
    ]);
    const unknown = randomUUID();
    const missing = await gw.request(`/api/v1/pipelines/${unknown}`, {
      method: 'PATCH',
      headers: as('admin'),
      body: {},
    });
    expect([missing.status, missing.body.error.details]).toEqual([
      404,
      { resource: 'Pipeline', identifier: unknown },
    ]);
    const malformed = await gw.request('/api/v1/pipelines/nope', {
      method: 'PATCH',
      headers: as('admin'),
      body: {},
    });
    expect(malformed.status).toBe(400);
    expect(leads.calls).toHaveLength(3);
  });

  it('DELETE /pipelines/:id passes 400 (default) and 409 (open deals) through', async () => {
    await responder(Queries.LeadsDeletePipeline, (command) => {
      if (command.id === pipelineId) throw new BadRequestError('The default pipeline cannot be deleted');
      throw new ConflictError('The pipeline has open deals', { open_deals: 2, closed_deals: 0 });
    });
    const byDefault = await gw.request(`/api/v1/pipelines/${pipelineId}`, {
      method: 'DELETE',
      headers: as('admin'),
    });
    expect([byDefault.status, byDefault.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    const busy = await gw.request(`/api/v1/pipelines/${randomUUID()}`, {
      method: 'DELETE',
      headers: as('admin'),
    });
    expect([busy.status, busy.body.error.details]).toEqual([409, { open_deals: 2, closed_deals: 0 }]);
  });

  it('GET /pipelines/:id/deals takes a read key, converts status, limit and offset (defaults 50 and 0), answers {data}', async () => {
    const deal = { id: randomUUID(), pipeline_id: pipelineId, name: 'Deal' };
    const leads = await responder(Queries.LeadsListPipelineDeals, () => ({ data: [deal] }));
    const listed = await gw.request(`/api/v1/pipelines/${pipelineId}/deals?status=open&limit=10&offset=20`, {
      headers: { 'x-api-key': KEY },
    });
    expect([listed.status, listed.body]).toEqual([200, { data: [deal] }]);
    const plain = await gw.request(`/api/v1/pipelines/${pipelineId}/deals`, { headers: as('bdr') });
    expect(plain.status).toBe(200);
    expect(leads.calls).toEqual([
      { id: pipelineId, status: 'open', limit: 10, offset: 20 },
      { id: pipelineId, limit: 50, offset: 0 },
    ]);
    for (const query of ['limit=101', 'limit=0', 'offset=-1', 'status=closed']) {
      const bad = await gw.request(`/api/v1/pipelines/${pipelineId}/deals?${query}`, { headers: as('bdr') });
      expect(bad.status).toBe(400);
    }
    expect(leads.calls).toHaveLength(2);
  });

  it('GET /pipelines/:id/deals passes 404 for an unknown pipeline through', async () => {
    await responder(Queries.LeadsListPipelineDeals, (q) => {
      throw new NotFoundError('Pipeline', q.id);
    });
    const response = await gw.request(`/api/v1/pipelines/${pipelineId}/deals`, { headers: as('bdr') });
    expect([response.status, response.body.error.code]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('stages', () => {
  it('POST /pipelines/:id/stages without automation_config: leads gets a minted id; 201 with automation_config []', async () => {
    const leads = await responder(Queries.LeadsCreateStage, (command) => ({
      ...stage,
      id: command.stage_id,
    }));
    const automation = await responder(Queries.AutomationReplaceStageTriggers, () => ({
      configured_triggers: [],
    }));
    const response = await gw.request(`/api/v1/pipelines/${pipelineId}/stages`, {
      method: 'POST',
      headers: as('admin'),
      body: { name: 'Qualified', position: 2, color: '#22C55E', stage_type: 'interest' },
    });
    expect(response.status).toBe(201);
    expect(leads.calls).toEqual([
      {
        actor: ACTOR,
        pipeline_id: pipelineId,
        stage_id: expect.stringMatching(UUID),
        body: { name: 'Qualified', position: 2, color: '#22C55E', stage_type: 'interest' },
      },
    ]);
    expect(response.body).toEqual({ ...stage, id: leads.calls[0].stage_id, automation_config: [] });
    expect(automation.calls).toHaveLength(0);
  });

  it('POST /pipelines/:id/stages with automation_config: automation checks it, leads writes the stage, automation saves it', async () => {
    const order: string[] = [];
    const leads = await responder(Queries.LeadsCreateStage, (command) => {
      order.push('leads');
      return { ...stage, id: command.stage_id };
    });
    const automation = await responder(Queries.AutomationReplaceStageTriggers, (command) => {
      order.push(command.validate_only ? 'check' : 'save');
      return { success: true, stage_id: command.stage.id, triggers_count: 1, configured_triggers: [trigger] };
    });
    const response = await gw.request(`/api/v1/pipelines/${pipelineId}/stages`, {
      method: 'POST',
      headers: as('marketing_manager'),
      body: { name: 'Qualified', automation_config: [triggerInput] },
    });
    expect(response.status).toBe(201);
    const minted = leads.calls[0].stage_id;
    expect(response.body).toEqual({ ...stage, id: minted, automation_config: [trigger] });
    expect(order).toEqual(['check', 'leads', 'save']);
    expect(leads.calls[0].body).toEqual({ name: 'Qualified' });
    const ref = { id: minted, name: 'Qualified', pipeline_id: pipelineId };
    expect(automation.calls).toEqual([
      { actor: ACTOR, stage: ref, body: { triggers: [triggerInput] }, validate_only: true },
      { actor: ACTOR, stage: ref, body: { triggers: [triggerInput] }, validate_only: false },
    ]);
  });

  it('a trigger list automation refuses is 400 under automation_config, and no stage is written', async () => {
    const leads = await responder(Queries.LeadsCreateStage, () => stage);
    await responder(Queries.AutomationReplaceStageTriggers, () => {
      throw new ValidationFailedError(
        [
          {
            path: 'triggers.0.config.channel',
            message: 'channel is required for send_slack_message',
            code: 'required',
          },
        ],
        'Invalid stage triggers',
      );
    });
    const response = await gw.request(`/api/v1/pipelines/${pipelineId}/stages`, {
      method: 'POST',
      headers: as('admin'),
      body: { name: 'Qualified', automation_config: [{ action: 'send_slack_message', config: {} }] },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details.validation_errors).toEqual([
      {
        path: 'automation_config.0.config.channel',
        message: 'channel is required for send_slack_message',
        code: 'required',
      },
    ]);
    expect(leads.calls).toHaveLength(0);
  });

  it('POST /pipelines/:id/stages answers 400 for bad fields (and a bad trigger shape) without asking anyone', async () => {
    const leads = await responder(Queries.LeadsCreateStage, () => stage);
    const automation = await responder(Queries.AutomationReplaceStageTriggers, () => ({}));
    const response = await gw.request(`/api/v1/pipelines/${pipelineId}/stages`, {
      method: 'POST',
      headers: as('admin'),
      body: {
        color: 'green',
        position: 0,
        stage_type: 'won',
        automation_config: [{ action: 'fax', config: {} }],
      },
    });
    expect(response.status).toBe(400);
    expect(
      [...new Set(response.body.error.details.validation_errors.map((e: { path: string }) => e.path))].sort(),
    ).toEqual(['automation_config.0.action', 'color', 'name', 'position', 'stage_type'].sort());
    expect([leads.calls, automation.calls]).toEqual([[], []]);
  });

  it('POST /pipelines/:id/stages passes 404 and 409 from leads through', async () => {
    await responder(Queries.LeadsCreateStage, (command) => {
      if (command.body.name === 'Dup')
        throw new ConflictError('Another stage of this pipeline has this stage_type', {
          stage_type: 'interest',
        });
      throw new NotFoundError('Pipeline', command.pipeline_id);
    });
    const missing = await gw.request(`/api/v1/pipelines/${pipelineId}/stages`, {
      method: 'POST',
      headers: as('admin'),
      body: { name: 'X' },
    });
    expect(missing.status).toBe(404);
    const dup = await gw.request(`/api/v1/pipelines/${pipelineId}/stages`, {
      method: 'POST',
      headers: as('admin'),
      body: { name: 'Dup' },
    });
    expect([dup.status, dup.body.error.details]).toEqual([409, { stage_type: 'interest' }]);
  });

  it('POST /pipelines/:id/stages/reorder answers 200 {data:[stage]}; malformed stage ids are 400 before leads', async () => {
    const other = { ...stage, id: randomUUID(), position: 1 };
    const leads = await responder(Queries.LeadsReorderStages, () => ({ data: [other, stage] }));
    const automation = await responder(Queries.AutomationListStagesTriggers, (q) => ({
      data: q.stage_ids.map((id: string) => ({
        stage_id: id,
        configured_triggers: id === stageId ? [trigger] : [],
      })),
    }));
    const response = await gw.request(`/api/v1/pipelines/${pipelineId}/stages/reorder`, {
      method: 'POST',
      headers: as('admin'),
      body: { stage_ids: [other.id, stage.id] },
    });
    expect([response.status, response.body]).toEqual([
      200,
      {
        data: [
          { ...other, automation_config: [] },
          { ...stage, automation_config: [trigger] },
        ],
      },
    ]);
    expect(automation.calls).toEqual([{ stage_ids: [other.id, stage.id] }]);
    expect(leads.calls).toEqual([
      { actor: ACTOR, pipeline_id: pipelineId, body: { stage_ids: [other.id, stage.id] } },
    ]);
    for (const body of [{}, { stage_ids: [] }, { stage_ids: ['x'] }]) {
      const bad = await gw.request(`/api/v1/pipelines/${pipelineId}/stages/reorder`, {
        method: 'POST',
        headers: as('admin'),
        body,
      });
      expect([bad.status, bad.body.error.details.validation_errors[0].path]).toEqual([
        400,
        expect.stringMatching(/^stage_ids/),
      ]);
    }
    expect(leads.calls).toHaveLength(1);
  });

  it('PATCH /stages/:id answers 200 with the stage and its current triggers from automation', async () => {
    const renamed = { ...stage, name: 'Qualified lead', color: null };
    const leads = await responder(Queries.LeadsUpdateStage, () => renamed);
    const automation = await responder(Queries.AutomationGetStageTriggers, (q) => ({
      stage_id: q.stage.id,
      stage_name: q.stage.name,
      available_actions: [],
      configured_triggers: [trigger],
    }));
    const response = await gw.request(`/api/v1/stages/${stageId}`, {
      method: 'PATCH',
      headers: as('admin'),
      body: { name: 'Qualified lead', color: null },
    });
    expect([response.status, response.body]).toEqual([200, { ...renamed, automation_config: [trigger] }]);
    expect(leads.calls).toEqual([
      { actor: ACTOR, id: stageId, body: { name: 'Qualified lead', color: null } },
    ]);
    expect(automation.calls).toEqual([
      { stage: { id: stageId, name: 'Qualified lead', pipeline_id: pipelineId } },
    ]);
  });

  it('PATCH /stages/:id with automation_config checks it, updates the stage, then saves the list', async () => {
    const order: string[] = [];
    await responder(Queries.LeadsGetStage, () => ({ ...stage, pipeline_name: 'Clinical Trials' }));
    await responder(Queries.LeadsUpdateStage, () => {
      order.push('leads');
      return stage;
    });
    const automation = await responder(Queries.AutomationReplaceStageTriggers, (command) => {
      order.push(command.validate_only ? 'check' : 'save');
      return { configured_triggers: [trigger] };
    });
    const response = await gw.request(`/api/v1/stages/${stageId}`, {
      method: 'PATCH',
      headers: as('admin'),
      body: { automation_config: [triggerInput] },
    });
    expect([response.status, response.body]).toEqual([200, { ...stage, automation_config: [trigger] }]);
    expect(order).toEqual(['check', 'leads', 'save']);
    expect(automation.calls.map((c) => c.stage)).toEqual([
      { id: stageId, name: 'Qualified', pipeline_id: pipelineId },
      { id: stageId, name: 'Qualified', pipeline_id: pipelineId },
    ]);
  });

  it('DELETE /stages/:id answers 204, passes 409 (open deals) and 404 through', async () => {
    const busy = randomUUID();
    const leads = await responder(Queries.LeadsDeleteStage, (command) => {
      if (command.id === busy)
        throw new ConflictError('The stage has open deals', { open_deals: 1, closed_deals: 0 });
      if (command.id !== stageId) throw new NotFoundError('Stage', command.id);
      return { success: true };
    });
    const ok = await gw.request(`/api/v1/stages/${stageId}`, { method: 'DELETE', headers: as('admin') });
    expect([ok.status, ok.text]).toEqual([204, '']);
    const conflict = await gw.request(`/api/v1/stages/${busy}`, { method: 'DELETE', headers: as('admin') });
    expect([conflict.status, conflict.body.error.details]).toEqual([409, { open_deals: 1, closed_deals: 0 }]);
    const missing = await gw.request(`/api/v1/stages/${randomUUID()}`, {
      method: 'DELETE',
      headers: as('admin'),
    });
    expect(missing.status).toBe(404);
    expect(leads.calls[0]).toEqual({ actor: ACTOR, id: stageId });
  });
});

describe('stage lists show the automation_config of each stage (api.md §7), read from automation in one request', () => {
  const first = { ...stage, id: randomUUID(), slug: 'new', name: 'New', position: 1 };
  const triggerLists = () =>
    responder(Queries.AutomationListStagesTriggers, (q) => ({
      data: q.stage_ids.map((id: string) => ({
        stage_id: id,
        configured_triggers: id === stageId ? [trigger] : [],
      })),
    }));

  it('GET /pipelines/:id: every stage with its triggers ([] for none); include_stages=false asks automation nothing', async () => {
    const leads = await responder(Queries.LeadsGetPipeline, (q) =>
      q.include_stages === false ? pipeline : { ...pipeline, stages: [first, stage] },
    );
    const automation = await triggerLists();
    const response = await gw.request(`/api/v1/pipelines/${pipelineId}`, { headers: as('bdr') });
    expect([response.status, response.body]).toEqual([
      200,
      {
        ...pipeline,
        stages: [
          { ...first, automation_config: [] },
          { ...stage, automation_config: [trigger] },
        ],
      },
    ]);
    expect(automation.calls).toEqual([{ stage_ids: [first.id, stageId] }]);

    const bare = await gw.request(`/api/v1/pipelines/${pipelineId}?include_stages=false`, {
      headers: as('bdr'),
    });
    expect([bare.status, bare.body]).toEqual([200, pipeline]);
    expect(automation.calls).toHaveLength(1);
    expect(leads.calls).toHaveLength(2);
  });

  it('GET /pipelines/:id/stages: {data:[stage + automation_config]}, one automation request for all stages', async () => {
    await responder(Queries.LeadsListStages, () => [first, stage]);
    const automation = await triggerLists();
    const response = await gw.request(`/api/v1/pipelines/${pipelineId}/stages`, {
      headers: { 'x-api-key': KEY },
    });
    expect([response.status, response.body]).toEqual([
      200,
      {
        data: [
          { ...first, automation_config: [] },
          { ...stage, automation_config: [trigger] },
        ],
      },
    ]);
    expect(automation.calls).toEqual([{ stage_ids: [first.id, stageId] }]);
  });

  it('a pipeline without stages asks automation nothing', async () => {
    await responder(Queries.LeadsListStages, () => []);
    const automation = await triggerLists();
    const response = await gw.request(`/api/v1/pipelines/${pipelineId}/stages`, { headers: as('bdr') });
    expect([response.status, response.body]).toEqual([200, { data: [] }]);
    expect(automation.calls).toHaveLength(0);
  });

  it.each([
    ['is down (nobody answers)', null],
    [
      'fails (500)',
      () => {
        throw new DomainError(ErrorCode.InternalError, 'Internal error', 500);
      },
    ],
    [
      'is too slow (504 after RPC_TIMEOUT_MS)',
      () => new Promise((resolve) => setTimeout(() => resolve({ data: [] }), 1500)),
    ],
  ])(
    'when automation %s the stages are still shown, each with automation_config null',
    async (_case, handler) => {
      await responder(Queries.LeadsListStages, () => [first, stage]);
      await responder(Queries.LeadsGetPipeline, () => ({ ...pipeline, stages: [first, stage] }));
      await responder(Queries.LeadsReorderStages, () => ({ data: [stage, first] }));
      if (handler) await responder(Queries.AutomationListStagesTriggers, handler);
      const unknown = (stages: StageView[]) => stages.map((s) => ({ ...s, automation_config: null }));

      const list = await gw.request(`/api/v1/pipelines/${pipelineId}/stages`, { headers: as('bdr') });
      expect([list.status, list.body]).toEqual([200, { data: unknown([first, stage]) }]);
      const one = await gw.request(`/api/v1/pipelines/${pipelineId}`, { headers: as('bdr') });
      expect([one.status, one.body]).toEqual([200, { ...pipeline, stages: unknown([first, stage]) }]);
      const reordered = await gw.request(`/api/v1/pipelines/${pipelineId}/stages/reorder`, {
        method: 'POST',
        headers: as('admin'),
        body: { stage_ids: [stage.id, first.id] },
      });
      expect([reordered.status, reordered.body]).toEqual([200, { data: unknown([stage, first]) }]);
    },
  );

  it('a leads failure is still an error: the stages come from leads', async () => {
    await responder(Queries.LeadsListStages, () => {
      throw new NotFoundError('Pipeline', pipelineId);
    });
    const automation = await triggerLists();
    const response = await gw.request(`/api/v1/pipelines/${pipelineId}/stages`, { headers: as('bdr') });
    expect(response.status).toBe(404);
    expect(automation.calls).toHaveLength(0);
  });
});
