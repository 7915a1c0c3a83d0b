import { randomUUID } from 'node:crypto';
import { Queries } from '@crm/contracts';
import { checkRuleConditions } from '../src/rules/rule-definition';
import { recordedEvent, ScoringTestHarness } from './support/scoring-test-harness';

const DAY_MS = 86_400_000;
const actor = { type: 'user', id: randomUUID(), name: 'marketing@dna-me.example' };

describe('scoring rules API over request-reply (real PostgreSQL + NATS)', () => {
  const harness = new ScoringTestHarness();

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  const create = (body: Record<string, unknown>) =>
    harness.request(Queries.ScoringCreateRule, { actor, body });
  const update = (id: string, body: Record<string, unknown>) =>
    harness.request(Queries.ScoringUpdateRule, { actor, id, body });
  const archive = (id: string) => harness.request(Queries.ScoringArchiveRule, { actor, id });
  const get = (id: string) => harness.request(Queries.ScoringGetRule, { id });
  const list = (query: Record<string, unknown> = {}) => harness.request(Queries.ScoringListRules, query);
  const rulesState = () =>
    harness.query<{ rules: number; versions: number; revision: string }>(
      `SELECT (SELECT count(*)::int FROM scoring.scoring_rules) AS rules,
              (SELECT count(*)::int FROM scoring.rule_versions) AS versions,
              (SELECT revision::text FROM scoring.rules_revision) AS revision`,
    );

  function data(reply: { ok: boolean; data?: any; error?: unknown }): any {
    if (!reply.ok) throw new Error(`expected success, got ${JSON.stringify(reply.error)}`);
    return reply.data;
  }

  it('creates a rule at version 1 that the running consumer applies to the next event, without a restart', async () => {
    const rule = data(
      await create({
        name: 'Case study downloaded',
        rule_type: 'event',
        category: 'behavior',
        conditions: { event_type: 'case_study_downloaded', metadata: { study: 'gut-health' } },
        points: 12,
        max_per_lead: 2,
        decay_days: 90,
      }),
    );
    expect(rule).toMatchObject({
      slug: 'case-study-downloaded',
      version: 1,
      is_active: true,
      priority: 100,
      max_per_day: null,
      archived_at: null,
    });
    const [version] = await harness.query<{ version: number; snapshot: any; created_by: any }>(
      `SELECT version, snapshot, created_by FROM scoring.rule_versions WHERE rule_id = $1`,
      [rule.id],
    );
    expect(version).toMatchObject({ version: 1, created_by: actor });
    expect(version.snapshot).toMatchObject({ name: 'Case study downloaded', points: 12, decay_days: 90 });

    const leadId = randomUUID();
    await harness.record(
      recordedEvent(leadId, { event_type: 'case_study_downloaded', metadata: { study: 'gut-health' } }),
    );
    await harness.record(
      recordedEvent(leadId, { event_type: 'case_study_downloaded', metadata: { study: 'other' } }),
    );
    const ledger = await harness.ledger(leadId);
    expect(ledger.map((r) => [r.rule_slug, r.rule_version, r.points])).toEqual([
      ['case-study-downloaded', 1, 12],
    ]);
  });

  it('an edit is the next version: new events apply it, earlier ledger rows keep the version and name they had', async () => {
    const rule = data(
      await create({
        slug: 'webinar-replay',
        name: 'Webinar replay watched',
        rule_type: 'event',
        category: 'engagement',
        conditions: { event_type: 'webinar_replay_watched' },
        points: 5,
      }),
    );
    const leadId = randomUUID();
    const first = await harness.record(
      recordedEvent(leadId, { event_type: 'webinar_replay_watched', minutesAgo: 10 }),
    );

    const edited = data(await update(rule.id, { points: 9, name: 'Replay watched', description: 'edited' }));
    expect(edited).toMatchObject({ version: 2, points: 9, name: 'Replay watched', slug: 'webinar-replay' });
    const second = await harness.record(
      recordedEvent(leadId, { event_type: 'webinar_replay_watched', minutesAgo: 5 }),
    );

    const history = data(await harness.request(Queries.ScoringLeadHistory, { lead_id: leadId }));
    expect(
      history.data.map((r: any) => [r.event_id, r.rule_version, r.rule_name, r.points_change, r.new_total]),
    ).toEqual([
      [second.data.event_id, 2, 'Replay watched', 9, 14],
      [first.data.event_id, 1, 'Webinar replay watched', 5, 5],
    ]);
    const versions = await harness.query<{ version: number; points: number }>(
      `SELECT version, (snapshot ->> 'points')::int AS points FROM scoring.rule_versions
        WHERE rule_id = $1 ORDER BY version`,
      [rule.id],
    );
    expect(versions).toEqual([
      { version: 1, points: 5 },
      { version: 2, points: 9 },
    ]);
  });

  it('a change that changes nothing makes no new version; null clears a cap; a different slug is refused', async () => {
    const rule = data(
      await create({
        name: 'Newsletter signup',
        rule_type: 'event',
        category: 'engagement',
        conditions: { metadata: { list: 'main' }, event_type: 'newsletter_signup' },
        points: 4,
        max_per_day: 1,
      }),
    );
    // Same conditions with keys in another order, same points: nothing to version.
    const same = data(
      await update(rule.id, {
        conditions: { event_type: 'newsletter_signup', metadata: { list: 'main' } },
        points: 4,
      }),
    );
    expect(same.version).toBe(1);

    const cleared = data(await update(rule.id, { max_per_day: null, slug: rule.slug }));
    expect(cleared).toMatchObject({ version: 2, max_per_day: null });

    const renamed = await update(rule.id, { slug: 'something-else' });
    expect(renamed).toMatchObject({ ok: false, error: { status: 400, code: 'VALIDATION_ERROR' } });
    expect((renamed as any).error.details.validation_errors).toEqual([
      expect.objectContaining({ path: 'slug', code: 'immutable' }),
    ]);
    const nulled = await update(rule.id, { points: null, name: null });
    expect((nulled as any).error.details.validation_errors.map((i: any) => i.path)).toEqual([
      'name',
      'points',
    ]);
    expect(data(await get(rule.id)).version).toBe(2);
  });

  it('a duplicate slug is a 409 naming the rule that has it', async () => {
    const [existing] = await harness.query<{ id: string }>(
      `SELECT id FROM scoring.scoring_rules WHERE slug = 'beh-demo-request'`,
    );
    const reply = await create({
      slug: 'beh-demo-request',
      name: 'Another demo rule',
      rule_type: 'event',
      category: 'behavior',
      conditions: { event_type: 'demo_requested' },
      points: 1,
    });
    expect(reply).toEqual({
      ok: false,
      error: expect.objectContaining({
        status: 409,
        code: 'CONFLICT',
        details: { slug: 'beh-demo-request', existing_rule_id: existing.id },
      }),
    });
  });

  it.each([
    [
      'an unknown field operator',
      { rule_type: 'field', conditions: { field: 'email', operator: 'regex', value: 'x' } },
      [{ path: 'conditions.operator', code: 'isIn' }],
    ],
    [
      'a pattern that does not compile',
      { rule_type: 'field', conditions: { field: 'email', operator: 'pattern', value: '(unclosed' } },
      [{ path: 'conditions.value', code: 'isPattern' }],
    ],
    [
      'a pattern with a backreference (outside RE2)',
      { rule_type: 'field', conditions: { field: 'job_title', operator: 'pattern', value: '(a)\\1' } },
      [{ path: 'conditions.value', code: 'isPattern' }],
    ],
    [
      'a pattern that could backtrack catastrophically',
      { rule_type: 'field', conditions: { field: 'email', operator: 'not_pattern', value: '^(a+)+$' } },
      [{ path: 'conditions.value', code: 'isSafePattern' }],
    ],
    [
      'a field no fit rule can read',
      { rule_type: 'field', conditions: { field: 'password', operator: 'equals', value: 'x' } },
      [{ path: 'conditions.field', code: 'isIn' }],
    ],
    [
      'conditions of another rule type',
      { rule_type: 'event', conditions: { field: 'email', operator: 'equals', value: 'x' } },
      [
        { path: 'conditions.field', code: 'unknownKey' },
        { path: 'conditions.operator', code: 'unknownKey' },
        { path: 'conditions.value', code: 'unknownKey' },
        { path: 'conditions.event_type', code: 'isString' },
      ],
    ],
    [
      'an unknown metadata comparison',
      { rule_type: 'event', conditions: { event_type: 'x', metadata: { n: { between: [1, 2] } } } },
      [{ path: 'conditions.metadata.n.between', code: 'isIn' }],
    ],
  ])('refuses %s with 400 and the offending paths, writing nothing', async (_name, rule, expected) => {
    const before = await rulesState();
    const reply = await create({
      name: `Bad rule ${randomUUID()}`,
      category: 'demographic',
      points: 5,
      ...rule,
    });
    expect(reply).toMatchObject({ ok: false, error: { status: 400, code: 'VALIDATION_ERROR' } });
    expect((reply as any).error.details.validation_errors).toEqual(
      expected.map((e) => expect.objectContaining(e)),
    );
    expect(await rulesState()).toEqual(before);
  });

  it('refuses points out of range and a threshold rule (not evaluated yet), writing nothing', async () => {
    const before = await rulesState();
    const tooMany = await create({
      name: 'Too many points',
      rule_type: 'event',
      category: 'behavior',
      conditions: { event_type: 'x' },
      points: 5000,
    });
    expect(tooMany).toMatchObject({ ok: false, error: { status: 400 } });
    expect((tooMany as any).error.details.validation_errors).toEqual([
      expect.objectContaining({ path: 'body.points' }),
    ]);
    const threshold = await create({
      name: 'Five visits',
      rule_type: 'threshold',
      category: 'engagement',
      conditions: { event_type: 'page_visited', count_gte: 5 },
      points: 10,
    });
    expect(threshold).toMatchObject({ ok: false, error: { status: 422, code: 'BUSINESS_LOGIC_ERROR' } });
    expect(await rulesState()).toEqual(before);
  });

  it('an invalid edit leaves the rule and its version as they were', async () => {
    const rule = data(
      await create({
        name: 'Title fit',
        rule_type: 'field',
        category: 'demographic',
        conditions: { field: 'job_title', operator: 'contains', value: ['Lab Manager'] },
        points: 8,
        max_per_lead: 1,
      }),
    );
    const reply = await update(rule.id, {
      conditions: { field: 'job_title', operator: 'pattern', value: '(x*)*y' },
    });
    expect(reply).toMatchObject({ ok: false, error: { status: 400 } });
    expect(data(await get(rule.id))).toMatchObject({ version: 1, conditions: rule.conditions });
  });

  it('archiving stops the rule at once, keeps its ledger rows and hides it from the list unless asked', async () => {
    const rule = data(
      await create({
        name: 'Poster visited',
        rule_type: 'event',
        category: 'engagement',
        conditions: { event_type: 'poster_visited' },
        points: 6,
      }),
    );
    const leadId = randomUUID();
    await harness.record(recordedEvent(leadId, { event_type: 'poster_visited', minutesAgo: 2 }));
    expect(await archive(rule.id)).toEqual({ ok: true, data: null });
    expect(await archive(rule.id)).toEqual({ ok: true, data: null });
    await harness.record(recordedEvent(leadId, { event_type: 'poster_visited', minutesAgo: 1 }));

    expect((await harness.ledger(leadId)).map((r) => r.rule_slug)).toEqual(['poster-visited']);
    const archived = data(await get(rule.id));
    expect(archived.archived_at).toEqual(expect.any(String));
    expect(archived.stats).toEqual({ total_applications: 1, unique_leads: 1, total_points: 6 });
    const [{ archived_by }] = await harness.query<{ archived_by: unknown }>(
      `SELECT archived_by FROM scoring.scoring_rules WHERE id = $1`,
      [rule.id],
    );
    expect(archived_by).toEqual(actor);

    const visible = data(await list({ limit: 100 }));
    expect(visible.data.map((r: any) => r.id)).not.toContain(rule.id);
    const all = data(await list({ limit: 100, include_archived: 'true' }));
    expect(all.data.map((r: any) => r.id)).toContain(rule.id);
    expect(await update(rule.id, { points: 1 })).toMatchObject({
      ok: false,
      error: { status: 422, code: 'BUSINESS_LOGIC_ERROR' },
    });
    expect(await archive(randomUUID())).toMatchObject({ ok: false, error: { status: 404 } });
  });

  it('every seeded default rule passes the checks an edit through the API must pass', async () => {
    const seeded = await harness.query<{ slug: string; rule_type: 'event' | 'field'; conditions: unknown }>(
      `SELECT slug, rule_type, conditions FROM scoring.scoring_rules WHERE slug LIKE 'eng-%' OR slug LIKE 'beh-%' OR slug LIKE 'fit-%'`,
    );
    expect(seeded).toHaveLength(17);
    for (const rule of seeded)
      expect([rule.slug, checkRuleConditions(rule.rule_type, rule.conditions)]).toEqual([rule.slug, []]);
  });

  it('lists by priority, category, created_at with filters and pagination', async () => {
    const page = data(await list({ category: 'demographic', is_active: 'true', limit: 3, page: 1 }));
    const all = data(await list({ category: 'demographic', is_active: 'true', limit: 100 }));
    expect(page.data).toEqual(all.data.slice(0, 3));
    expect(page.pagination).toMatchObject({ page: 1, limit: 3, total: all.data.length, has_prev: false });
    expect(all.data.every((r: any) => r.category === 'demographic' && r.is_active)).toBe(true);
    const keys = all.data.map((r: any) => [r.priority, r.category, r.created_at]);
    expect(keys).toEqual(
      [...keys].sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]) || a[2].localeCompare(b[2])),
    );
    expect(await list({ category: 'fit' })).toMatchObject({ ok: false, error: { status: 400 } });
  });

  it('explains a lead: running totals per category, expired rows, and a breakdown equal to the live ledger', async () => {
    const leadId = randomUUID();
    // 40 days ago: the page visit's 30 days have run out, the demo request is permanent.
    await harness.record(recordedEvent(leadId, { lead_created: true, minutesAgo: 40 * 24 * 60 }));
    await harness.record(recordedEvent(leadId, { event_type: 'demo_requested', minutesAgo: 30 }));
    await harness.record(recordedEvent(leadId, { minutesAgo: 20 }));

    const history = data(await harness.request(Queries.ScoringLeadHistory, { lead_id: leadId }));
    expect(
      history.data.map((r: any) => [r.rule_slug, r.category, r.points_change, r.new_total, r.expired]),
    ).toEqual([
      ['eng-page-visit', 'engagement', 2, 2, false],
      ['beh-demo-request', 'behavior', 50, 50, false],
      ['eng-page-visit', 'engagement', 2, 0, true],
    ]);
    const behaviorOnly = data(
      await harness.request(Queries.ScoringLeadHistory, { lead_id: leadId, category: 'behavior' }),
    );
    expect(behaviorOnly.data.map((r: any) => r.rule_slug)).toEqual(['beh-demo-request']);
    const paged = data(
      await harness.request(Queries.ScoringLeadHistory, { lead_id: leadId, limit: 1, offset: 1 }),
    );
    expect(paged.data.map((r: any) => r.rule_slug)).toEqual(['beh-demo-request']);

    const breakdown = data(await harness.request(Queries.ScoringLeadBreakdown, { id: leadId }));
    expect(breakdown).toEqual({
      lead_id: leadId,
      score_tier: 'warm',
      demographic: 0,
      engagement: 2,
      behavior: 50,
      total: 52,
      history_count: 3,
      expired_points: 2,
    });
    const live = history.data
      .filter((r: any) => !r.expired)
      .reduce((sum: number, r: any) => sum + r.points_change, 0);
    expect(breakdown.total).toBe(live);
    expect(new Date(history.data[2].expires_at).getTime()).toBe(
      new Date(history.data[2].occurred_at).getTime() + 30 * DAY_MS,
    );

    const unknown = data(await harness.request(Queries.ScoringLeadBreakdown, { id: randomUUID() }));
    expect(unknown).toMatchObject({ score_tier: 'cold', total: 0, history_count: 0, expired_points: 0 });
  });
});
