import { randomUUID } from 'node:crypto';
import { recordedEvent, ScoringTestHarness } from './support/scoring-test-harness';

const LEADS = 200;
const VISITS_PER_LEAD = 5;

/**
 * How many SQL statements the scoring service sends per scored event, for a burst shaped like the benchmark's
 * (leads × page visits, every visit scoring). The numbers are printed for the record; what they must not do is
 * break correctness, which is asserted.
 */
describe('statements per scored event (real PostgreSQL + NATS)', () => {
  const harness = new ScoringTestHarness();

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  it('scores a burst of page visits and reports the statements it took', async () => {
    const leadIds = Array.from({ length: LEADS }, () => randomUUID());
    const envelopes = Array.from({ length: VISITS_PER_LEAD }, (_, visit) =>
      leadIds.map((leadId) =>
        harness.envelope(
          recordedEvent(leadId, {
            lead_created: visit === 0,
            minutesAgo: VISITS_PER_LEAD - visit,
            metadata: { page_path: `/page-${visit}` },
          }),
        ),
      ),
    ).flat();

    const counter = harness.countStatements();
    const startedAt = Date.now();
    await Promise.all(envelopes.map((e) => harness.publish(e)));
    await harness.waitProcessed(
      envelopes.map((e) => e.id),
      120_000,
    );
    // Every visit scores, so every event emits once; waiting for them includes the outbox relay's work.
    await harness.waitScoredCount(envelopes.length, 120_000);

    const perEvent = counter.total / envelopes.length;
    const seconds = (Date.now() - startedAt) / 1000;
    process.stdout.write(
      `scoring statements: ${counter.total} for ${envelopes.length} events = ${perEvent.toFixed(2)} per event, ` +
        `published and scored in ${seconds.toFixed(1)} s (for the record; the machine is shared), ` +
        `${counter.transactions} transactions; by kind: ${JSON.stringify(Object.fromEntries(counter.byKind))}\n`,
    );

    const totals = await harness.query<{ n: number; total: number }>(
      `SELECT count(*)::int AS n, sum(total)::int AS total FROM scoring.lead_scores WHERE lead_id = ANY($1)`,
      [leadIds],
    );
    expect(totals[0]).toEqual({ n: LEADS, total: LEADS * VISITS_PER_LEAD * 2 });
  });
});
