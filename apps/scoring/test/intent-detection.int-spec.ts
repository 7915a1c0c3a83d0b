import { randomUUID } from 'node:crypto';
import { Queries } from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { profileChange, recordedEvent, ScoringTestHarness } from './support/scoring-test-harness';

const actor = { type: 'user', id: randomUUID(), name: 'marketing@dna-me.example' };

describe('intent detection (real PostgreSQL + NATS)', () => {
  const harness = new ScoringTestHarness();

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  const signalsOf = async (leadId: string, query: Record<string, unknown> = {}) => {
    const reply = await harness.request(Queries.ScoringLeadIntents, { lead_id: leadId, ...query });
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    return reply.data.data as any[];
  };
  const visit = (leadId: string, path: string, minutesAgo: number) =>
    recordedEvent(leadId, { minutesAgo, metadata: { page_path: path } });

  it('the acceptance case: /enterprise, ROI 300 samples, demo request → b2b 110 points, confidence 100', async () => {
    const leadId = randomUUID();
    await harness.record(
      recordedEvent(leadId, { lead_created: true, minutesAgo: 40, metadata: { page_path: '/' } }),
    );
    await harness.record(visit(leadId, '/enterprise', 30));
    const roi = await harness.record(
      recordedEvent(leadId, {
        event_type: 'roi_calculator_submitted',
        minutesAgo: 20,
        metadata: { samples_per_month: 300 },
      }),
    );
    await harness.record(recordedEvent(leadId, { event_type: 'demo_requested', minutesAgo: 10 }));
    // The same page again adds nothing: each intent rule counts once per lead.
    await harness.record(visit(leadId, '/enterprise', 5));

    const scored = await harness.waitScored(leadId, 5);
    expect(scored.map((s) => s.intent && [s.intent.primary_intent, s.intent.intent_summary.b2b])).toEqual([
      [null, 0],
      ['b2b', 30],
      ['b2b', 85],
      ['b2b', 110],
      ['b2b', 110],
    ]);
    expect(scored[3].intent).toEqual({
      primary_intent: 'b2b',
      intent_confidence: 100,
      intent_summary: { research: 0, b2b: 110, co_creation: 0 },
      conflict: false,
    });

    const signals = await signalsOf(leadId);
    // Newest first; the ROI event's two signals share their time.
    expect(signals.map((s) => s.confidence_points)).toEqual([25, expect.any(Number), expect.any(Number), 30]);
    expect(signals.map((s) => [s.intent, s.confidence_points, s.trigger_type]).sort()).toEqual([
      ['b2b', 20, 'event'],
      ['b2b', 25, 'event'],
      ['b2b', 30, 'event'],
      ['b2b', 35, 'event'],
    ]);
    const volume = signals.find((s) => s.confidence_points === 35);
    expect(volume).toMatchObject({
      event_id: roi.data.event_id,
      trigger_data: { event_type: 'roi_calculator_submitted', metadata: { samples_per_month: 300 } },
    });
    expect(await signalsOf(leadId, { intent: 'research' })).toEqual([]);
    expect(await signalsOf(leadId, { limit: 1, offset: 1 })).toEqual([signals[1]]);
  });

  it('a profile gives field signals (academic email, researcher title) once, and they add to event signals', async () => {
    const leadId = randomUUID();
    await harness.recordProfile(
      profileChange(leadId, 1, {
        email: `ada.${leadId.slice(0, 6)}@lab.uni-bonn.de`,
        job_title: 'PhD Student',
      }),
    );
    await harness.recordProfile(
      profileChange(leadId, 2, { email: `ada.${leadId.slice(0, 6)}@lab.uni-bonn.de`, job_title: 'PostDoc' }),
    );
    await harness.record(visit(leadId, '/publications', 1));
    const signals = await signalsOf(leadId);
    expect(signals.map((s) => [s.intent, s.confidence_points, s.trigger_type]).sort()).toEqual([
      ['research', 15, 'event'],
      ['research', 20, 'field'],
      ['research', 30, 'field'],
    ]);
    const [last] = (await harness.waitScored(leadId, 2)).slice(-1);
    expect(last.intent).toMatchObject({
      primary_intent: 'research',
      intent_confidence: 100,
      conflict: false,
    });
    expect(last.intent!.intent_summary).toEqual({ research: 65, b2b: 0, co_creation: 0 });
  });

  it('flags a conflict when the runner-up is less than 15 points behind; lead.intent_detected tells each change once', async () => {
    const leadId = randomUUID();
    await harness.record(visit(leadId, '/partnerships', 3));
    await harness.record(visit(leadId, '/enterprise', 2));
    const [, second] = await harness.waitScored(leadId, 2);
    expect(second.intent).toEqual({
      primary_intent: 'co_creation',
      intent_confidence: 57,
      intent_summary: { research: 0, b2b: 30, co_creation: 40 },
      conflict: true,
    });
    // The same page again changes nothing: no third intent message.
    await harness.record(visit(leadId, '/partnerships', 1));
    await harness.waitScored(leadId, 3);
    await waitFor(async () => harness.intentsDetected.filter((e) => e.data.lead_id === leadId).length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.intentsDetected.filter((e) => e.data.lead_id === leadId).map((e) => e.data)).toEqual([
      {
        lead_id: leadId,
        primary_intent: 'co_creation',
        previous_primary_intent: null,
        intent_confidence: 100,
        intent_summary: { research: 0, b2b: 0, co_creation: 40 },
        conflict: false,
        detected_at: expect.any(String),
      },
      {
        lead_id: leadId,
        primary_intent: 'co_creation',
        previous_primary_intent: 'co_creation',
        intent_confidence: 57,
        intent_summary: { research: 0, b2b: 30, co_creation: 40 },
        conflict: true,
        detected_at: expect.any(String),
      },
    ]);
  });

  it('emits when only the intent changed, and intent rules are edited like scoring rules', async () => {
    const created = await harness.request(Queries.ScoringCreateIntentRule, {
      actor,
      body: {
        name: 'Panel survey answered',
        intent: 'co_creation',
        rule_type: 'event',
        conditions: { event_type: 'panel_survey_answered' },
        points: 30,
      },
    });
    expect(created).toMatchObject({
      ok: true,
      data: { slug: 'panel-survey-answered', version: 1, points: 30 },
    });
    const ruleId = (created as any).data.id;

    const leadId = randomUUID();
    await harness.record(recordedEvent(leadId, { event_type: 'panel_survey_answered', minutesAgo: 3 }));
    const [only] = await harness.waitScored(leadId, 1);
    expect(only).toMatchObject({
      points_applied: 0,
      scores: { total: 0 },
      intent: { primary_intent: 'co_creation', intent_confidence: 100, conflict: false },
    });

    const edited = await harness.request(Queries.ScoringUpdateIntentRule, {
      actor,
      id: ruleId,
      body: { points: 50 },
    });
    expect(edited).toMatchObject({ ok: true, data: { version: 2, points: 50 } });
    const bad = await harness.request(Queries.ScoringCreateIntentRule, {
      actor,
      body: {
        name: 'Bad intent rule',
        intent: 'co_creation',
        rule_type: 'field',
        conditions: { field: 'job_title', operator: 'pattern', value: '(x+)+' },
        points: 10,
      },
    });
    expect(bad).toMatchObject({ ok: false, error: { status: 400 } });
    const zero = await harness.request(Queries.ScoringCreateIntentRule, {
      actor,
      body: { name: 'Zero', intent: 'b2b', rule_type: 'event', conditions: { event_type: 'x' }, points: 0 },
    });
    expect(zero).toMatchObject({ ok: false, error: { status: 400 } });

    expect(await harness.request(Queries.ScoringArchiveIntentRule, { actor, id: ruleId })).toEqual({
      ok: true,
      data: null,
    });
    const other = randomUUID();
    await harness.record(recordedEvent(other, { event_type: 'panel_survey_answered', minutesAgo: 1 }));
    expect(await signalsOf(other)).toEqual([]);
    const list = await harness.request(Queries.ScoringListIntentRules, { limit: 100 });
    expect(list.ok && list.data.pagination.total).toBe(22);
  });
});
