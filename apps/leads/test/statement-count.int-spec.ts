import { randomUUID } from 'node:crypto';
import { Subjects, type IngestEventReceivedV1, type LeadScoredV1, type Subject } from '@crm/contracts';
import { LeadsTestApp } from './support/leads-test-app';
import { StatementCounter, statementProfile } from './support/statement-counter';

/**
 * The hot path's cost in database round trips: a burst of ingest events (new and known people, corporate and
 * free-mail, external ids) and a burst of scores, counted at the pg driver and reported. How many messages
 * share a batch depends on timing, so the bound is per batch: a fixed number of statements whatever the
 * batch's size (the outbox relay's own statements aside).
 */
describe('leads: database statements per event on the hot path', () => {
  const app = new LeadsTestApp();
  const PEOPLE = 100;
  const EVENTS_PER_PERSON = 4;

  beforeAll(() => app.start());
  afterAll(() => app.stop());

  const burstOfPerson = (i: number, run: string): IngestEventReceivedV1[] => {
    const identifiers = [
      { email: `p${i}.${run}@lab-${i % 20}-${run}.example` },
      { email: `p${i}.${run}@gmail.com` },
      { waalaxy_id: `wx-${i}-${run}` },
      { email: `p${i}.${run}@uni-${run}.example`, lemlist_id: `lm-${i}-${run}` },
    ];
    const metadata = [
      { company_name: `Lab ${i % 20} ${run}`, industry: 'Biotech', first_name: 'Ada' },
      { company_name: `Free ${i % 10} ${run}`, job_title: 'Scientist' },
      { first_name: 'Grace', page_path: '/pricing' },
      { company_size: '51-200', country: 'de' },
    ];
    return Array.from({ length: EVENTS_PER_PERSON }, (_, n) =>
      app.ingestEvent({
        lead_identifier: identifiers[i % identifiers.length],
        metadata: metadata[(i + n) % metadata.length],
        occurred_at: new Date(Date.UTC(2025, 0, 1 + n, i % 24)).toISOString(),
        campaign_id: n % 2 ? `c-${n}` : null,
      }),
    );
  };

  /** Publishes the messages one after another, then counts until leads handled all and relayed what it published. */
  const countStatements = async <T>(
    subject: Subject,
    messages: T[],
    publish: (message: T) => Promise<{ id: string }>,
  ): Promise<string[]> => {
    const counter = new StatementCounter(app.databaseName).start();
    try {
      const ids: string[] = [];
      for (const message of messages) ids.push((await publish(message)).id);
      await app.waitAllHandled(subject, ids);
      await app.outboxDrained();
      return counter.stop();
    } finally {
      counter.stop();
    }
  };

  it('ingest: a fixed number of statements per batch', async () => {
    const run = randomUUID().slice(0, 6);
    const events = Array.from({ length: PEOPLE }, (_, i) => burstOfPerson(i, run)).flat();
    const statements = await countStatements(Subjects.IngestEventReceived, events, (event) =>
      app.publishIngest(event),
    );

    report('ingest', events.length, statements);
    expect(await app.sql('SELECT id FROM leads.dead_letter')).toEqual([]);
    expect(await app.sql(`SELECT id FROM leads.lead_events WHERE source <> 'crm'`)).toHaveLength(
      events.length,
    );
    const { batches, handling } = classify(statements);
    // begin, inbox, lock, dedupe, leads, organizations, their inserts and fills, lead updates, event rows,
    // outbox rows, commit
    expect(handling).toBeLessThanOrEqual(14 * batches);
  });

  it('scores: a fixed number of statements per batch', async () => {
    const leads = await app.sql<{ id: string }>('SELECT id FROM leads.leads ORDER BY id LIMIT 100');
    const events = await app.sql<{ lead_id: string; event_id: string }>(
      `SELECT lead_id, event_id FROM leads.lead_events WHERE source <> 'crm' ORDER BY lead_id`,
    );
    const scores: LeadScoredV1[] = events.map((event, i) => ({
      lead_id: event.lead_id,
      version: i + 1,
      scores: { demographic: 0, engagement: i, behavior: 0, total: i },
      previous_total: 0,
      tier: 'cold',
      previous_tier: 'cold',
      tier_changed: false,
      reason: 'event',
      event_id: event.event_id,
      points_applied: 2,
      scored_at: new Date().toISOString(),
    }));
    expect(leads.length).toBeGreaterThan(0);

    const statements = await countStatements(Subjects.LeadScored, scores, (score) => app.publishScore(score));

    report('scores', scores.length, statements);
    expect(await app.sql('SELECT id FROM leads.dead_letter')).toEqual([]);
    const { batches, handling } = classify(statements);
    // begin, inbox, lock, scores, event points, commit (scores without intent points ask routing nothing)
    expect(handling).toBeLessThanOrEqual(6 * batches);
  });

  it('keeps score updates HOT: no index of leads.leads reads a column a score or a visit writes', async () => {
    // Columns the score read model and ingest's activity updates write on every message.
    const hot = [
      'demographic_score',
      'engagement_score',
      'behavior_score',
      'total_score',
      'score_tier',
      'score_version',
      'scored_at',
      'primary_intent',
      'intent_confidence',
      'intent_summary',
      'last_activity',
      'updated_at',
    ];
    const indexes = await app.sql<{ name: string; definition: string }>(
      `SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition
         FROM pg_index WHERE indrelid = 'leads.leads'::regclass`,
    );
    expect(indexes.length).toBeGreaterThan(3);
    const offending = indexes.filter(({ definition }) =>
      hot.some((column) => new RegExp(`\\b${column}\\b`).test(definition)),
    );
    expect(offending).toEqual([]);
  });
});

/** Each handled batch writes its inbox rows in one statement; the relay claims and marks outbox rows. */
function classify(statements: string[]) {
  const isRelay = (text: string) => /outbox_message/.test(text) && !/^\s*INSERT/.test(text);
  return {
    batches: statements.filter((text) => /^\s*INSERT INTO processed_message/.test(text)).length,
    handling: statements.filter((text) => !isRelay(text)).length,
  };
}

function report(label: string, messages: number, statements: string[]): void {
  const perMessage = (statements.length / messages).toFixed(2);
  const top = statementProfile(statements)
    .slice(0, 12)
    .map(([text, n]) => `  ${n}\t${text}`)
    .join('\n');
  console.log(
    `${label}: ${statements.length} statements for ${messages} messages = ${perMessage} per message\n${top}`,
  );
}
