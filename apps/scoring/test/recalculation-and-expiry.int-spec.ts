import { randomUUID } from 'node:crypto';
import { Queries } from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { profileChange, recordedEvent, ScoringTestHarness } from './support/scoring-test-harness';

const actor = { type: 'user', id: randomUUID(), name: 'admin@dna-me.example' };

describe('recalculation and expiry (real PostgreSQL + NATS)', () => {
  const harness = new ScoringTestHarness();

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  const ruleId = async (slug: string) =>
    (await harness.query<{ id: string }>('SELECT id FROM scoring.scoring_rules WHERE slug = $1', [slug]))[0]
      .id;
  const call = async (subject: string, data: object) => {
    const reply = await harness.request(subject, data);
    if (!reply.ok) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
    return reply.data;
  };
  const finishedJob = (id: string) =>
    waitFor(
      async () => {
        const job = await call(Queries.ScoringGetJob, { id });
        return job.status !== 'running' && job;
      },
      { timeoutMs: 30_000, message: `job ${id} never finished` },
    );
  const ledgerKey = async (leadId: string) =>
    (await harness.ledger(leadId)).map((r) => [
      r.event_id,
      r.rule_slug,
      r.points,
      r.expires_at?.toISOString(),
    ]);

  it('replaying under unchanged rules reproduces the same ledger and emits nothing', async () => {
    const leadId = randomUUID();
    await harness.recordProfile(profileChange(leadId, 1, { job_title: 'Lab Manager' }));
    await harness.record(recordedEvent(leadId, { minutesAgo: 90, metadata: { page_path: '/pricing' } }));
    await harness.record(recordedEvent(leadId, { event_type: 'demo_requested', minutesAgo: 60 }));
    const before = await ledgerKey(leadId);
    const emitted = (await harness.waitScored(leadId, 3)).length;

    const result = await call(Queries.ScoringRecalculateLead, { actor, lead_id: leadId });
    expect(result).toEqual({
      lead_id: leadId,
      old_score: 97,
      new_scores: { demographic: 30, engagement: 17, behavior: 50, total: 97 },
      score_tier: 'hot',
      changed: false,
      replayed: true,
    });
    expect((await ledgerKey(leadId)).sort()).toEqual(before.sort());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.scoredFor(leadId)).toHaveLength(emitted);
    expect(await harness.invariantViolations([leadId])).toEqual([]);
  });

  it('after a rule edit, a recalculation applies the new version to past events and moves the tier', async () => {
    const leadId = randomUUID();
    await harness.record(
      recordedEvent(leadId, { lead_created: true, event_type: 'demo_requested', minutesAgo: 30 }),
    );
    expect(await harness.leadScore(leadId)).toMatchObject({ total: 50, tier: 'warm' });

    const edited = await call(Queries.ScoringUpdateRule, {
      actor,
      id: await ruleId('beh-demo-request'),
      body: { points: 85 },
    });
    // Live rows keep the version they were applied with until a recalculation.
    expect((await harness.ledger(leadId)).map((r) => [r.rule_version, r.points])).toEqual([[1, 50]]);

    const result = await call(Queries.ScoringRecalculateLead, { actor, lead_id: leadId });
    expect(result).toMatchObject({
      old_score: 50,
      new_scores: { total: 85 },
      score_tier: 'hot',
      changed: true,
    });
    expect((await harness.ledger(leadId)).map((r) => [r.rule_version, r.points])).toEqual([
      [edited.version, 85],
    ]);
    const [last] = (await harness.waitScored(leadId, 2)).slice(-1);
    expect(last).toMatchObject({
      reason: 'recalculation',
      event_id: null,
      points_applied: 35,
      previous_tier: 'warm',
      tier: 'hot',
      tier_changed: true,
      intent: { primary_intent: 'b2b' },
    });
    await call(Queries.ScoringUpdateRule, {
      actor,
      id: await ruleId('beh-demo-request'),
      body: { points: 50 },
    });
    await call(Queries.ScoringRecalculateLead, { actor, lead_id: leadId });
  });

  it('leaves a lead alone whose ledger holds points of events it has no copy of', async () => {
    const leadId = randomUUID();
    await harness.record(recordedEvent(leadId, { event_type: 'demo_requested', minutesAgo: 10 }));
    // As if scored before scoring kept its own copy of events.
    await harness.query('DELETE FROM scoring.scored_events WHERE lead_id = $1', [leadId]);
    const before = await ledgerKey(leadId);
    const result = await call(Queries.ScoringRecalculateLead, { actor, lead_id: leadId });
    expect(result).toMatchObject({ replayed: false, changed: false, old_score: 50 });
    expect(await ledgerKey(leadId)).toEqual(before);
  });

  it('recalculates every lead as a background job with progress', async () => {
    const leadIds = Array.from({ length: 5 }, () => randomUUID());
    for (const leadId of leadIds) {
      await harness.record(recordedEvent(leadId, { event_type: 'webinar_attended', minutesAgo: 20 }));
    }
    await call(Queries.ScoringUpdateRule, {
      actor,
      id: await ruleId('beh-webinar-attended'),
      body: { points: 45 },
    });
    const { job_id, leads_queued } = await call(Queries.ScoringRecalculateAll, { actor });
    expect(leads_queued).toBeGreaterThanOrEqual(5);

    const job = await finishedJob(job_id);
    expect(job).toMatchObject({
      kind: 'recalculation',
      status: 'succeeded',
      scheduled: false,
      requested_by: actor,
      progress: { total: leads_queued, done: leads_queued },
    });
    expect(job.progress.changed).toBeGreaterThanOrEqual(5);
    for (const leadId of leadIds) expect(await harness.leadScore(leadId)).toMatchObject({ behavior: 45 });
    expect(await harness.invariantViolations(leadIds)).toEqual([]);
  });

  it('expiry marks due points expired, re-sums, and emits reason expiry with the tier change', async () => {
    const leadId = randomUUID();
    // A /pricing visit (2 + 15, 30 and 14 days) and an ROI calculator (30, 60 days): 47, warm.
    await harness.record(recordedEvent(leadId, { minutesAgo: 60, metadata: { page_path: '/pricing' } }));
    await harness.record(recordedEvent(leadId, { event_type: 'roi_calculator_submitted', minutesAgo: 50 }));
    const other = randomUUID();
    await harness.record(recordedEvent(other, { minutesAgo: 60, metadata: { page_path: '/pricing' } }));
    // Thirty days pass for the first lead's visit (in event time): both of its rules run out.
    await harness.query(
      `UPDATE scoring.score_ledger SET expires_at = now() - interval '1 minute'
        WHERE lead_id = $1 AND rule_slug IN ('eng-page-visit', 'eng-pricing-page')`,
      [leadId],
    );

    const { job_id } = await call(Queries.ScoringExpire, { actor });
    const job = await finishedJob(job_id);
    expect(job).toMatchObject({ kind: 'expiry', status: 'succeeded', progress: { done: 1, changed: 1 } });
    expect(await harness.leadScore(leadId)).toMatchObject({
      engagement: 0,
      behavior: 30,
      total: 30,
      tier: 'cold',
    });
    const [last] = (await harness.waitScored(leadId, 3)).slice(-1);
    expect(last).toMatchObject({
      reason: 'expiry',
      event_id: null,
      points_applied: -17,
      previous_total: 47,
      scores: { total: 30 },
      previous_tier: 'warm',
      tier: 'cold',
      tier_changed: true,
    });
    expect((await harness.ledger(other)).every((r) => !r.expired)).toBe(true);
    expect(await harness.invariantViolations([leadId, other])).toEqual([]);
  });

  it('runs the daily slot once whatever the number of instances, and takes over a job whose instance died', async () => {
    await harness.startInstance();
    const slots = await harness.query<{ slot: string; status: string }>(
      `SELECT slot, status FROM scoring.jobs WHERE slot IS NOT NULL`,
    );
    expect(slots).toHaveLength(1);
    expect(slots[0].slot).toMatch(/^expiry:\d{4}-\d{2}-\d{2}$/);

    const [stale] = await harness.query<{ id: string }>(
      `INSERT INTO scoring.jobs (kind, requested_by, total, heartbeat_at)
       VALUES ('recalculation', '{"type":"system","id":null}', 1, now() - interval '10 minutes') RETURNING id`,
    );
    await harness.startInstance();
    const job = await finishedJob(stale.id);
    expect(job).toMatchObject({ status: 'succeeded' });
    expect(job.progress.done).toBeGreaterThan(0);
  });
});
