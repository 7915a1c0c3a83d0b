import { randomUUID } from 'node:crypto';
import { Queries } from '@crm/contracts';
import { profileChange, recordedEvent, ScoringTestHarness } from './support/scoring-test-harness';

describe('fit rules, live (real PostgreSQL + NATS)', () => {
  const harness = new ScoringTestHarness();

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  const fitRows = async (leadId: string) =>
    (await harness.ledger(leadId))
      .filter((r) => r.event_id === null)
      .map((r) => [r.rule_slug, r.points, r.reason]);

  it('applies the matching default fit rules once to a new lead and emits its score (reason fit)', async () => {
    const leadId = randomUUID();
    await harness.recordProfile(profileChange(leadId, 1, { job_title: 'Head of Lab Operations' }));

    expect(await fitRows(leadId)).toEqual([
      ['fit-corporate-email', 10, 'fit'],
      ['fit-decision-maker-title', 20, 'fit'],
    ]);
    expect(await harness.leadScore(leadId)).toMatchObject({
      demographic: 30,
      total: 30,
      tier: 'cold',
      version: 1,
    });
    const [scored] = await harness.waitScored(leadId, 1);
    expect(scored).toMatchObject({
      reason: 'fit',
      event_id: null,
      points_applied: 30,
      scores: { demographic: 30, engagement: 0, behavior: 0, total: 30 },
      previous_total: 0,
      version: 1,
    });
  });

  it('withdraws a rule whose field stops matching, applies it again when it matches again', async () => {
    const leadId = randomUUID();
    await harness.recordProfile(profileChange(leadId, 1, { job_title: 'Lab Director' }));
    await harness.recordProfile(profileChange(leadId, 2, { job_title: 'Senior Scientist' }));
    expect(await fitRows(leadId)).toEqual([
      ['fit-corporate-email', 10, 'fit'],
      ['fit-decision-maker-title', 20, 'fit'],
      ['fit-decision-maker-title', -20, 'fit_withdrawn'],
      ['fit-researcher-title', 15, 'fit'],
    ]);
    expect(await harness.leadScore(leadId)).toMatchObject({ demographic: 25, total: 25 });
    const history = await harness.request(Queries.ScoringLeadHistory, {
      lead_id: leadId,
      category: 'demographic',
    });
    expect(history.ok && history.data.data.map((r: any) => [r.rule_slug, r.reason, r.points_change])).toEqual(
      expect.arrayContaining([['fit-decision-maker-title', 'fit_withdrawn', -20]]),
    );

    // Unchanged fit: nothing new, no emission.
    await harness.recordProfile(
      profileChange(leadId, 3, { job_title: 'Senior Scientist', first_name: 'Ada' }),
    );
    await harness.recordProfile(profileChange(leadId, 4, { job_title: 'Director, Senior Scientist' }));
    expect((await fitRows(leadId)).slice(4)).toEqual([['fit-decision-maker-title', 20, 'fit']]);
    expect(await harness.leadScore(leadId)).toMatchObject({ demographic: 45, total: 45, tier: 'warm' });
    const scored = await harness.waitScored(leadId, 3);
    expect(scored.map((s) => [s.version, s.scores.total, s.points_applied])).toEqual([
      [1, 30, 30],
      [2, 25, -5],
      [3, 45, 20],
    ]);
    expect(await harness.invariantViolations([leadId])).toEqual([]);
  });

  it('ignores a profile older than the one it holds (reordered or replayed)', async () => {
    const leadId = randomUUID();
    await harness.recordProfile(profileChange(leadId, 2, { email: `x.${leadId.slice(0, 6)}@gmail.com` }));
    await harness.recordProfile(profileChange(leadId, 1, { job_title: 'VP Research' }));
    expect(await fitRows(leadId)).toEqual([]);
    const [stored] = await harness.query<{ profile_version: number }>(
      'SELECT profile_version FROM scoring.lead_profiles WHERE lead_id = $1',
      [leadId],
    );
    expect(stored.profile_version).toBe(2);
  });

  it('keeps fit and event points in one total and one version sequence', async () => {
    const leadId = randomUUID();
    await harness.record(recordedEvent(leadId, { lead_created: true, event_type: 'demo_requested' }));
    await harness.recordProfile(profileChange(leadId, 1));
    await harness.record(recordedEvent(leadId, { minutesAgo: 0 }));
    expect(await harness.leadScore(leadId)).toMatchObject({
      demographic: 10,
      engagement: 2,
      behavior: 50,
      total: 62,
    });
    const scored = await harness.waitScored(leadId, 3);
    expect(scored.map((s) => [s.version, s.reason, s.scores.total])).toEqual([
      [1, 'event', 50],
      [2, 'fit', 60],
      [3, 'event', 62],
    ]);
    expect(await harness.invariantViolations([leadId])).toEqual([]);
  });

  it('a fit rule created through the API applies to the next profile; fit rules refuse caps and decay', async () => {
    const actor = { type: 'user', id: randomUUID(), name: 'marketing@dna-me.example' };
    const created = await harness.request(Queries.ScoringCreateRule, {
      actor,
      body: {
        name: 'Large organization',
        rule_type: 'field',
        category: 'demographic',
        conditions: { field: 'organization.company_size', operator: 'gte', value: 201 },
        points: 12,
      },
    });
    expect(created.ok).toBe(true);
    const leadId = randomUUID();
    await harness.recordProfile(
      profileChange(leadId, 1, {
        email: null,
        organization: {
          name: 'Big Pharma',
          domain: null,
          industry: 'Pharma',
          company_size: '1000+',
          country: 'CH',
        },
      }),
    );
    expect(await fitRows(leadId)).toEqual([['large-organization', 12, 'fit']]);

    const capped = await harness.request(Queries.ScoringCreateRule, {
      actor,
      body: {
        name: 'Capped fit',
        rule_type: 'field',
        category: 'demographic',
        conditions: { field: 'email', operator: 'contains', value: 'lab' },
        points: 5,
        max_per_day: 1,
        decay_days: 30,
      },
    });
    expect(capped).toMatchObject({ ok: false, error: { status: 400 } });
    expect((capped as any).error.details.validation_errors.map((i: any) => i.path)).toEqual([
      'max_per_day',
      'decay_days',
    ]);
  });
});
