import { randomUUID } from 'node:crypto';
import { Queries } from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { profileChange, recordedEvent, ScoringTestHarness } from './support/scoring-test-harness';

const actor = { type: 'user', id: randomUUID(), name: 'marketing@dna-me.example' };

describe('rule change preview (real PostgreSQL + NATS)', () => {
  const harness = new ScoringTestHarness();
  const warmLeads = Array.from({ length: 3 }, () => randomUUID());
  const hotLead = randomUUID();
  const director = randomUUID();
  let demoRuleId: string;

  beforeAll(async () => {
    await harness.start();
    // Three leads with a demo request (50, warm); one with a demo request and a webinar (85, hot); one known only
    // by its profile (a gmail address and a director title: 20, cold).
    for (const leadId of [...warmLeads, hotLead]) {
      await harness.record(recordedEvent(leadId, { event_type: 'demo_requested', minutesAgo: 30 }));
    }
    await harness.record(recordedEvent(hotLead, { event_type: 'webinar_attended', minutesAgo: 20 }));
    await harness.recordProfile(
      profileChange(director, 1, { email: 'dir@gmail.com', job_title: 'Director of Operations' }),
    );
    [{ id: demoRuleId }] = await harness.query<{ id: string }>(
      `SELECT id FROM scoring.scoring_rules WHERE slug = 'beh-demo-request'`,
    );
  });
  afterAll(() => harness.stop());

  const preview = async (command: object) => {
    const reply = await harness.request(Queries.ScoringPreviewRule, command);
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    return reply.data;
  };
  const state = () =>
    harness.query<{ revision: string; ledger: number; version: number }>(
      `SELECT (SELECT revision::text FROM scoring.rules_revision) AS revision,
              (SELECT count(*)::int FROM scoring.score_ledger) AS ledger,
              (SELECT version FROM scoring.scoring_rules WHERE slug = 'beh-demo-request') AS version`,
    );

  it('an edit: how many leads change total and tier, with a sample, and nothing is saved', async () => {
    const before = await state();
    const result = await preview({ rule_id: demoRuleId, update: { points: 90 } });
    expect(result).toMatchObject({
      leads_evaluated: 5,
      leads_changed: 4,
      tier_changes: { 'warm>hot': 3, 'hot>very_hot': 1 },
    });
    expect(result.sample).toHaveLength(4);
    expect(result.sample.find((s: any) => s.lead_id === hotLead)).toEqual({
      lead_id: hotLead,
      email: null,
      old_total: 85,
      new_total: 125,
      old_tier: 'hot',
      new_tier: 'very_hot',
    });
    expect(await state()).toEqual(before);
  });

  it('archiving, a new event rule and a new fit rule', async () => {
    expect(await preview({ rule_id: demoRuleId, archive: true })).toMatchObject({
      leads_changed: 4,
      tier_changes: { 'warm>cold': 3, 'hot>cold': 1 },
    });
    const webinar = await preview({
      create: {
        name: 'Webinar bonus',
        rule_type: 'event',
        category: 'behavior',
        conditions: { event_type: 'webinar_attended' },
        points: 10,
      },
    });
    expect(webinar).toMatchObject({ leads_changed: 1, tier_changes: {} });
    expect(webinar.sample).toEqual([
      expect.objectContaining({ lead_id: hotLead, old_total: 85, new_total: 95 }),
    ]);
    const fit = await preview({
      create: {
        name: 'Operations leader',
        rule_type: 'field',
        category: 'demographic',
        conditions: { field: 'job_title', operator: 'contains', value: 'operations' },
        points: 25,
      },
    });
    expect(fit).toMatchObject({ leads_changed: 1, tier_changes: { 'cold>warm': 1 } });
    expect(fit.sample).toEqual([
      expect.objectContaining({ lead_id: director, email: 'dir@gmail.com', old_total: 20, new_total: 45 }),
    ]);
  });

  it('refuses what could not be published: 400 for bad conditions, 404 for an unknown rule', async () => {
    const bad = await harness.request(Queries.ScoringPreviewRule, {
      create: {
        name: 'Bad',
        rule_type: 'field',
        category: 'demographic',
        conditions: { field: 'email', operator: 'pattern', value: '(a+)+' },
        points: 5,
      },
    });
    expect(bad).toMatchObject({ ok: false, error: { status: 400 } });
    const unknown = await harness.request(Queries.ScoringPreviewRule, { rule_id: randomUUID(), update: {} });
    expect(unknown).toMatchObject({ ok: false, error: { status: 404 } });
  });

  it('publishing the previewed edit and recalculating gives the totals the preview announced', async () => {
    const announced = await preview({ rule_id: demoRuleId, update: { points: 90 } });
    await harness.request(Queries.ScoringUpdateRule, { actor, id: demoRuleId, body: { points: 90 } });
    const started = await harness.request(Queries.ScoringRecalculateAll, { actor });
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    await waitFor(async () => {
      const job = await harness.request(Queries.ScoringGetJob, { id: started.data.job_id });
      return job.ok && job.data.status === 'succeeded';
    });
    for (const row of announced.sample) {
      expect(await harness.leadScore(row.lead_id)).toMatchObject({
        total: row.new_total,
        tier: row.new_tier,
      });
    }
  });
});
