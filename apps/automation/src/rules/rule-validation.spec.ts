import { checkConfigs, checkReferences, type PipelineCatalog, type RuleShape } from './rule-validation';

const rule = (overrides: Partial<RuleShape>): RuleShape => ({
  pipeline_id: null,
  stage_id: null,
  trigger_type: 'event',
  trigger_config: { event_type: 'demo_requested' },
  action_type: 'send_notification',
  action_config: { channel: '#sales' },
  ...overrides,
});

const catalog: PipelineCatalog = {
  pipelines: [
    {
      id: 'p1',
      slug: 'b2b-lab-enablement',
      name: 'B2B Lab Enablement',
      stages: [
        { id: 's1', slug: 'qualified', name: 'Qualified', pipeline_id: 'p1' },
        { id: 's2', slug: 'proposal', name: 'Proposal', pipeline_id: 'p1' },
      ],
    },
    {
      id: 'p2',
      slug: 'research-lab',
      name: 'Research Lab',
      stages: [{ id: 's3', slug: 'discovery', name: 'Discovery', pipeline_id: 'p2' }],
    },
  ],
};

describe('automation rule configs (api.md §12)', () => {
  it('coerces numbers given as strings and fills the contract defaults', () => {
    const checked = checkConfigs(
      rule({
        trigger_type: 'score_threshold',
        trigger_config: { score_gte: '80' },
        action_type: 'create_task',
        action_config: { title: 'Call' },
      }),
    );
    expect(checked.issues).toEqual([]);
    expect(checked.trigger_config).toEqual({ score_gte: 80 });
    expect(checked.action_config).toEqual({ title: 'Call', task_type: 'follow_up' });
  });

  it('names every missing, unknown and out-of-range key', () => {
    const checked = checkConfigs(
      rule({
        trigger_type: 'time_in_stage',
        trigger_config: { days: 0, stage: 'x' },
        action_type: 'assign_owner',
        action_config: { strategy: 'random' },
      }),
    );
    expect(checked.issues.map((i) => [i.path, i.code])).toEqual([
      ['trigger_config.stage', 'unknown_key'],
      ['trigger_config.days', 'integer'],
      ['action_config.role', 'required'],
      ['action_config.strategy', 'isIn'],
    ]);
  });

  it('refuses an event rule that would match every event', () => {
    expect(checkConfigs(rule({ trigger_config: {} })).issues).toEqual([
      expect.objectContaining({ path: 'trigger_config.event_type', code: 'required' }),
    ]);
  });

  it('resolves stage slugs within the rule pipeline, and names the pipeline and stage', () => {
    const checked = checkConfigs(
      rule({
        pipeline_id: 'p1',
        stage_id: 's2',
        trigger_type: 'stage_change',
        trigger_config: { from_stage: 'qualified', to_stage: 'discovery' },
        action_type: 'route_to_pipeline',
        action_config: { pipeline_slug: 'research-lab' },
      }),
    );
    expect(checked.action_config).toEqual({ pipeline_slug: 'research-lab', create_deal: true });
    const references = checkReferences(checked.references, catalog);
    expect(references.issues.map((i) => [i.path, i.code])).toEqual([
      ['trigger_config.to_stage', 'not_found'],
    ]);
    expect(references).toMatchObject({ pipelineName: 'B2B Lab Enablement', stageName: 'Proposal' });
  });
});
