import { randomUUID } from 'node:crypto';
import type { LeadEventRecordedV1, MessageEnvelope } from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { recordedEvent, ScoringTestHarness } from './support/scoring-test-harness';

const HOUR_MINUTES = 60;

type Kind = Pick<LeadEventRecordedV1, 'event_type' | 'metadata'>;
const pricingVisit: Kind = { event_type: 'page_visited', metadata: { page_path: '/pricing' } };
const aboutVisit: Kind = { event_type: 'page_visited', metadata: { page_path: '/about' } };
const demoRequest: Kind = { event_type: 'demo_requested', metadata: {} };
const roiSubmission: Kind = { event_type: 'roi_calculator_submitted', metadata: {} };

describe('batch scoring (real PostgreSQL + NATS)', () => {
  const harness = new ScoringTestHarness();

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  const event = (leadId: string, kind: Kind, minutesAgo: number, lead_created = false) =>
    harness.envelope({ ...recordedEvent(leadId, { minutesAgo, lead_created }), ...kind });

  /** Publishes in this order while no instance consumes, so the events wait and come to the next one together. */
  async function publishWhilePaused(envelopes: MessageEnvelope<LeadEventRecordedV1>[]): Promise<void> {
    await harness.stopInstances();
    for (const envelope of envelopes) await harness.publish(envelope);
    await harness.startInstance();
  }

  /** The lead's emitted scores in version order, checked to continue one from the other without gaps. */
  async function chainedScores(leadId: string) {
    const stored = await harness.leadScore(leadId);
    const scored = (await harness.waitScored(leadId, stored!.version)).sort((a, b) => a.version - b.version);
    expect(scored.map((s) => s.version)).toEqual(Array.from({ length: stored!.version }, (_, i) => i + 1));
    scored.forEach((s, i) => expect(s.previous_total).toBe(i === 0 ? 0 : scored[i - 1].scores.total));
    expect(scored[scored.length - 1]).toMatchObject({ scores: { total: stored!.total }, tier: stored!.tier });
    return scored;
  }

  it("keeps caps and totals exact when one lead's events come in several batches, older ones later", async () => {
    const leadId = randomUUID();
    // All within one rolling day, so what the caps allow does not depend on the order: 15 page visits (5 of
    // them /pricing) → 10 page-visit and 3 pricing applications; demo once; ROI calculator 3 per lead.
    const waves = [10, 20, 5].map((startHoursAgo, wave) =>
      [
        pricingVisit,
        aboutVisit,
        aboutVisit,
        aboutVisit,
        aboutVisit,
        demoRequest,
        roiSubmission,
        roiSubmission,
      ].map((kind, i) => event(leadId, kind, startHoursAgo * HOUR_MINUTES - i * 10, wave === 0 && i === 0)),
    );
    for (const wave of waves) {
      await Promise.all(wave.map((e) => harness.publish(e)));
      await harness.waitProcessed(wave.map((e) => e.id));
    }
    expect((await harness.applicationsByRule([leadId])).get(leadId)).toEqual({
      'eng-page-visit': 10,
      'eng-pricing-page': 3,
      'beh-demo-request': 1,
      'beh-roi-calculator': 3,
    });
    expect(await harness.leadScore(leadId)).toMatchObject({
      engagement: 10 * 2 + 3 * 15,
      behavior: 50 + 3 * 30,
      total: 205,
      tier: 'very_hot',
    });
    expect(await harness.invariantViolations([leadId])).toEqual([]);
    await chainedScores(leadId);
  });

  it("emits a lead's scores in event order within a batch, each in its own message's flow", async () => {
    const leadId = randomUUID();
    const otherLeadId = randomUUID();
    const kinds = [
      aboutVisit,
      pricingVisit,
      roiSubmission,
      aboutVisit,
      demoRequest,
      pricingVisit,
      roiSubmission,
    ];
    const ofLead = kinds.map((kind, i) => event(leadId, kind, 100 - i, i === 0));
    const ofOther = kinds.map((kind, i) => event(otherLeadId, kind, 200 - i, i === 0));
    const interleaved = ofLead.flatMap((e, i) => [e, ofOther[i]]);
    await publishWhilePaused(interleaved);
    await harness.waitProcessed(interleaved.map((e) => e.id));

    for (const [lead, events] of [
      [leadId, ofLead],
      [otherLeadId, ofOther],
    ] as const) {
      const scored = await chainedScores(lead);
      // Every one of these events scores, so each emits once, in the order the events were published.
      expect(scored.map((s) => s.event_id)).toEqual(events.map((e) => e.data.event_id));
      const envelopes = harness.scoredEnvelopesFor(lead).sort((a, b) => a.data.version - b.data.version);
      expect(envelopes.map((e) => [e.causation_id, e.correlation_id])).toEqual(
        events.map((e) => [e.id, e.correlation_id]),
      );
    }
    expect(await harness.invariantViolations([leadId, otherLeadId])).toEqual([]);
  });

  it('dead-letters a bad message of a batch alone while its neighbours commit', async () => {
    const leadIds = Array.from({ length: 4 }, () => randomUUID());
    const good = leadIds.flatMap((leadId, i) => [
      event(leadId, pricingVisit, 30 + i, true),
      event(leadId, demoRequest, 20 + i),
    ]);
    // Valid ISO 8601 (basic format) for the contract, but not a time the service can read: a PermanentError.
    const poison = harness.envelope({ ...recordedEvent(leadIds[1]), occurred_at: '20260615T100000Z' });
    const batch = [...good.slice(0, 3), poison, ...good.slice(3)];
    await publishWhilePaused(batch);

    await harness.waitProcessed(good.map((e) => e.id));
    const deadLetters = await waitFor(async () => {
      const rows = await harness.deadLetters();
      return rows.length > 0 && rows;
    });
    expect(deadLetters).toEqual([
      expect.objectContaining({ message_id: poison.id, reason: 'permanent_error' }),
    ]);
    expect(deadLetters[0].last_error).toMatch(/unreadable occurred_at/);
    const inbox = await harness.query<{ message_id: string }>(
      `SELECT message_id FROM scoring.processed_message WHERE message_id = ANY($1)`,
      [batch.map((e) => e.id)],
    );
    expect(inbox.map((r) => r.message_id).sort()).toEqual(good.map((e) => e.id).sort());
    for (const leadId of leadIds) {
      expect(await harness.leadScore(leadId)).toMatchObject({ total: 2 + 15 + 50, version: 2 });
      await chainedScores(leadId);
    }
    expect(await harness.invariantViolations(leadIds)).toEqual([]);
  });

  it('uses a rule changed in the database from the next batch on', async () => {
    const leadId = randomUUID();
    const ledgerOfWhitepapers = async () =>
      (await harness.ledger(leadId)).map((r) => [r.rule_slug, r.points, r.rule_version]);
    const readWhitepaper = () =>
      harness.record(recordedEvent(leadId, { event_type: 'whitepaper_read', lead_created: true }));

    await readWhitepaper();
    expect(await ledgerOfWhitepapers()).toEqual([]);

    const [{ id: ruleId }] = await harness.query<{ id: string }>(
      `INSERT INTO scoring.scoring_rules (slug, name, rule_type, category, conditions, points)
       VALUES ('eng-whitepaper', 'Whitepaper read', 'event', 'engagement', '{"event_type":"whitepaper_read"}', 4)
       RETURNING id`,
    );
    await saveVersionSnapshot(ruleId);
    await readWhitepaper();
    expect(await ledgerOfWhitepapers()).toEqual([['eng-whitepaper', 4, 1]]);

    await harness.query(
      `UPDATE scoring.scoring_rules SET points = 6, version = version + 1, updated_at = now() WHERE id = $1`,
      [ruleId],
    );
    await saveVersionSnapshot(ruleId);
    await readWhitepaper();
    expect(await ledgerOfWhitepapers()).toEqual([
      ['eng-whitepaper', 4, 1],
      ['eng-whitepaper', 6, 2],
    ]);

    await harness.query(`UPDATE scoring.scoring_rules SET is_active = false WHERE id = $1`, [ruleId]);
    await readWhitepaper();
    expect(await ledgerOfWhitepapers()).toHaveLength(2);
    expect(await harness.leadScore(leadId)).toMatchObject({ engagement: 10, total: 10 });
  });

  /** As the rules API will: every version of a rule has its snapshot, which ledger rows reference. */
  async function saveVersionSnapshot(ruleId: string): Promise<void> {
    await harness.query(
      `INSERT INTO scoring.rule_versions (rule_id, version, snapshot)
       SELECT id, version, jsonb_build_object('slug', slug, 'points', points) FROM scoring.scoring_rules
        WHERE id = $1`,
      [ruleId],
    );
  }

  it('keeps every cap and total exact when two instances consume the same burst', async () => {
    const deadLettersBefore = await harness.deadLetters();
    await harness.startInstance();
    const leadIds = Array.from({ length: 30 }, () => randomUUID());
    // Per lead, within two hours: 6 /pricing and 6 /about visits, 2 demo requests → 10 page-visit, 3 pricing
    // and 1 demo application whatever the order: 10 × 2 + 3 × 15 + 50 = 115 points.
    const kinds = [...Array(6).fill(pricingVisit), ...Array(6).fill(aboutVisit), demoRequest, demoRequest];
    const burst = kinds
      .flatMap((kind: Kind, i) => leadIds.map((leadId) => event(leadId, kind, 120 - i * 5, i === 0)))
      .map((e, i, all) => all[(i * 97) % all.length]);
    expect(new Set(burst).size).toBe(kinds.length * leadIds.length);
    await Promise.all(burst.map((e) => harness.publish(e)));
    await harness.waitProcessed(
      burst.map((e) => e.id),
      120_000,
    );

    expect(await harness.invariantViolations(leadIds)).toEqual([]);
    const applications = await harness.applicationsByRule(leadIds);
    for (const leadId of leadIds) {
      expect(applications.get(leadId)).toEqual({
        'eng-page-visit': 10,
        'eng-pricing-page': 3,
        'beh-demo-request': 1,
      });
      expect(await harness.leadScore(leadId)).toMatchObject({ total: 115, tier: 'hot' });
      await chainedScores(leadId);
    }
    expect(await harness.deadLetters()).toEqual(deadLettersBefore);
  });
});
