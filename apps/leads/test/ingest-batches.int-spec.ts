import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  Subjects,
  type IngestEventReceivedV1,
  type LeadEventRecordedV1,
  type LeadScoredV1,
  type MessageEnvelope,
  type Subject,
} from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { LeadIngestService } from '../src/leads/lead-ingest.service';
import { ConsumerHold, startAnotherLeadsInstance } from './support/consumer-hold';
import { LeadsTestApp } from './support/leads-test-app';

type Source = IngestEventReceivedV1['source'];

/**
 * Batch handling of ingest events and scores: per-lead order inside a batch and across batches, a bad message
 * failing alone, and two service instances sharing one burst.
 */
describe('leads: ingest and scores in batches', () => {
  const app = new LeadsTestApp();
  const unique = () => randomUUID().slice(0, 8);

  beforeAll(() => app.start());
  afterAll(() => app.stop());

  const publishAll = (events: IngestEventReceivedV1[]) =>
    Promise.all(events.map((event) => app.publishIngest(event)));

  const handled = (envelopes: { id: string }[], subject: Subject = Subjects.IngestEventReceived) =>
    app.waitAllHandled(
      subject,
      envelopes.map((e) => e.id),
    );

  /** The inbox rows' `processed_at` is their transaction's start: equal values, one batch. */
  const transactionsOf = async (envelopes: { id: string }[]) => {
    const rows = await app.sql<{ size: number }>(
      `SELECT count(*)::int AS size FROM leads.processed_message
        WHERE message_id = ANY($1::uuid[]) GROUP BY processed_at ORDER BY size`,
      [envelopes.map((e) => e.id)],
    );
    return rows.map((row) => row.size);
  };

  /** A lead whose row the test can lock to hold a consumer (see ConsumerHold). */
  const knownLead = async () => {
    const email = `held.${unique()}@hold.example`;
    await app.ingest(app.ingestEvent({ lead_identifier: { email } }));
    const [lead] = await app.sql<{ id: string }>('SELECT id FROM leads.leads WHERE email = $1', [email]);
    return { id: lead.id, email };
  };

  /** Publishes `events` so that the ingest consumer handles them as one batch. */
  const ingestAsOneBatch = async (events: IngestEventReceivedV1[]) => {
    const held = await knownLead();
    const hold = await ConsumerHold.engage(app, Subjects.IngestEventReceived, held.id, () =>
      app.publishIngest(app.ingestEvent({ lead_identifier: { email: held.email } })),
    );
    let envelopes: MessageEnvelope<IngestEventReceivedV1>[];
    try {
      envelopes = await publishAll(events);
      await hold.waitQueued(events.length);
    } finally {
      await hold.release();
    }
    return envelopes;
  };

  const recordedOf = async (leadId: string) =>
    (
      await app.sql<{ envelope: MessageEnvelope<LeadEventRecordedV1> }>(
        `SELECT envelope FROM leads.outbox_message
          WHERE envelope->>'type' = 'leads.lead.event_recorded.v1' AND envelope->'data'->>'lead_id' = $1`,
        [leadId],
      )
    ).map((row) => row.envelope);

  it('creates one lead for many events of one new person inside one batch', async () => {
    const tag = unique();
    const email = `many.${tag}@many-lab-${tag}.example`;
    const events = Array.from({ length: 12 }, (_, i) =>
      app.ingestEvent({
        lead_identifier: i % 3 === 2 ? { email: email.toUpperCase(), waalaxy_id: `wx-${tag}` } : { email },
        occurred_at: new Date(Date.UTC(2025, 0, 12 - i)).toISOString(),
        metadata: { company_name: 'Many Lab', ...(i === 4 ? { first_name: 'Ada' } : {}) },
      }),
    );
    const envelopes = await ingestAsOneBatch(events);
    await handled(envelopes);

    expect(await transactionsOf(envelopes)).toEqual([12]);
    const leads = await app.sql<{
      id: string;
      waalaxy_id: string;
      first_name: string;
      first_touch_date: Date;
      last_touch_date: Date;
      organization_id: string;
    }>('SELECT * FROM leads.leads WHERE lower(email) = $1', [email]);
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ waalaxy_id: `wx-${tag}`, first_name: 'Ada' });
    expect(leads[0].first_touch_date.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(leads[0].last_touch_date.toISOString()).toBe('2025-01-12T00:00:00.000Z');
    expect(
      await app.sql('SELECT id FROM leads.organizations WHERE domain = $1', [`many-lab-${tag}.example`]),
    ).toEqual([{ id: leads[0].organization_id }]);

    // One recorded event per ingest event, in its flow; only the first one created the lead.
    const recorded = await recordedOf(leads[0].id);
    const byCause = new Map(recorded.map((r) => [r.causation_id, r]));
    expect(recorded).toHaveLength(12);
    envelopes.forEach((envelope, i) => {
      expect(byCause.get(envelope.id)).toMatchObject({
        correlation_id: envelope.correlation_id,
        data: { event_id: events[i].event_id, lead_created: i === 0 },
      });
    });
  });

  /** A person's journey: identifiers that grow, profile and company details, event times out of order. */
  const journey = (tag: string): IngestEventReceivedV1[] => {
    const email = `ada.${tag}@gmail.com`;
    const step = (
      source: Source,
      occurredAt: string,
      lead_identifier: IngestEventReceivedV1['lead_identifier'],
      metadata: Record<string, unknown> = {},
      campaign_id: string | null = null,
    ) => app.ingestEvent({ source, occurred_at: occurredAt, lead_identifier, metadata, campaign_id });
    return [
      step(
        'waalaxy',
        '2025-03-05T10:00:00Z',
        { waalaxy_id: `wx-${tag}` },
        { first_name: 'Ada', job_title: 'PI' },
      ),
      step(
        'lemlist',
        '2025-03-01T10:00:00Z',
        { email, waalaxy_id: `wx-${tag}` },
        { first_name: 'Adele', last_name: 'Lovelace', company_name: `Engines ${tag}` },
        'c2',
      ),
      step('website', '2025-03-09T10:00:00Z', { email: email.toUpperCase() }, { phone: '+49 30 1' }),
      step(
        'lemlist',
        '2025-02-20T10:00:00Z',
        { lemlist_id: `lm-${tag}`, email },
        { company_domain: `engines-${tag}.example`, industry: 'Biotech' },
      ),
      step(
        'lemlist',
        '2025-03-20T10:00:00Z',
        { lemlist_id: `lm-${tag}` },
        { job_title: 'CSO', country: 'de' },
        'c5',
      ),
      step('portal', '2025-03-15T10:00:00Z', { portal_id: `p-${tag}`, email }),
      step('portal', '2025-01-10T10:00:00Z', { portal_id: `p-${tag}` }, { company_size: '51-200' }, 'c7'),
    ];
  };

  /** The lead of a journey and its organization, with the journey's tag replaced, so two journeys compare. */
  const journeyOutcome = async (tag: string) => {
    const leads = await app.sql<Record<string, unknown>>(
      `SELECT l.email, l.waalaxy_id, l.lemlist_id, l.portal_id, l.first_name, l.last_name, l.phone, l.job_title,
              l.first_touch_source, l.first_touch_campaign, l.first_touch_date,
              l.last_touch_source, l.last_touch_campaign, l.last_touch_date, l.last_activity,
              o.name AS org_name, o.domain AS org_domain, o.industry, o.company_size, o.country,
              (SELECT count(*)::int FROM leads.lead_events e WHERE e.lead_id = l.id AND e.source <> 'crm') AS events
         FROM leads.leads l LEFT JOIN leads.organizations o ON o.id = l.organization_id
        WHERE l.waalaxy_id = $1 OR l.lemlist_id = $2 OR l.portal_id = $3 OR l.email = $4`,
      [`wx-${tag}`, `lm-${tag}`, `p-${tag}`, `ada.${tag}@gmail.com`],
    );
    return JSON.parse(JSON.stringify(leads).replaceAll(tag, 'TAG')) as Record<string, unknown>[];
  };

  it('ends a lead spread over several batches in the same state as events recorded one by one', async () => {
    const inOrder = unique();
    for (const event of journey(inOrder)) await app.ingest(event);

    const batched = unique();
    const [first, second, third, fourth, fifth, sixth, seventh] = journey(batched);
    const noise = () =>
      Array.from({ length: 5 }, () => app.ingestEvent({ metadata: { company_name: 'Noise Lab' } }));
    const batchOne = await ingestAsOneBatch([...noise(), first, ...noise(), second, third, ...noise()]);
    await handled(batchOne);
    const alone = await app.ingest(fourth);
    const batchTwo = await ingestAsOneBatch([fifth, ...noise(), sixth, seventh]);
    await handled(batchTwo);

    const journeyEnvelopes = [
      batchOne[5],
      batchOne[11],
      batchOne[12],
      alone,
      batchTwo[0],
      ...batchTwo.slice(6),
    ];
    expect(await transactionsOf(journeyEnvelopes)).toEqual([1, 3, 3]);
    const expected = await journeyOutcome(inOrder);
    expect(expected).toEqual([
      expect.objectContaining({
        email: 'ada.TAG@gmail.com',
        waalaxy_id: 'wx-TAG',
        first_name: 'Ada',
        last_name: 'Lovelace',
        job_title: 'PI',
        first_touch_campaign: 'c7',
        last_touch_campaign: 'c5',
        // named by a free-mail event; later details fill it only when they name no other company
        org_name: 'Engines TAG',
        org_domain: null,
        company_size: '51-200',
        country: 'DE',
        events: 7,
      }),
    ]);
    expect(await journeyOutcome(batched)).toEqual(expected);
  });

  it('dead-letters a bad message of a batch alone while its neighbours commit', async () => {
    const good = Array.from({ length: 4 }, () => app.ingestEvent());
    // Passes the contract (metadata is an object) but PostgreSQL refuses a NUL character in jsonb (22P05):
    // no retry can store it.
    const bad = app.ingestEvent({ metadata: { note: 'pasted\u0000binary' } });
    const envelopes = await ingestAsOneBatch([good[0], good[1], bad, good[2], good[3]]);
    const badEnvelope = envelopes[2];
    await handled(envelopes.filter((e) => e !== badEnvelope));
    const deadLetters = await waitFor(async () => {
      const rows = await app.sql<{ message_id: string; reason: string }>(
        'SELECT message_id, reason FROM leads.dead_letter',
      );
      return rows.length ? rows : null;
    });

    expect(deadLetters).toEqual([{ message_id: badEnvelope.id, reason: 'permanent_error' }]);
    const stored = await app.sql<{ event_id: string }>(
      'SELECT event_id FROM leads.lead_events WHERE event_id = ANY($1::uuid[])',
      [[...good, bad].map((e) => e.event_id)],
    );
    expect(stored.map((row) => row.event_id).sort()).toEqual(good.map((e) => e.event_id).sort());
    await app.sql('DELETE FROM leads.dead_letter');
  });

  it('applies the newest score whatever the order, inside a batch and across batches', async () => {
    const { id: leadId } = await knownLead();
    const [{ event_id: eventId }] = await app.sql<{ event_id: string }>(
      `SELECT event_id FROM leads.lead_events WHERE lead_id = $1 AND source <> 'crm'`,
      [leadId],
    );
    const score = (version: number): LeadScoredV1 => ({
      lead_id: leadId,
      version,
      scores: { demographic: 1, engagement: version * 10, behavior: 0, total: version * 10 + 1 },
      previous_total: 0,
      tier: version * 10 >= 40 ? 'warm' : 'cold',
      previous_tier: 'cold',
      tier_changed: false,
      reason: 'event',
      event_id: eventId,
      points_applied: 2,
      scored_at: new Date().toISOString(),
    });
    const scoresAsOneBatch = async (versions: number[]) => {
      const hold = await ConsumerHold.engage(app, Subjects.LeadScored, leadId, () =>
        app.publishScore(score(1)),
      );
      let envelopes: MessageEnvelope<LeadScoredV1>[];
      try {
        envelopes = await Promise.all(versions.map((v) => app.publishScore(score(v))));
        await hold.waitQueued(versions.length);
      } finally {
        await hold.release();
      }
      await handled(envelopes, Subjects.LeadScored);
      return envelopes;
    };
    const stored = async () =>
      (
        await app.sql<{ score_version: number; total_score: number; score_tier: string }>(
          'SELECT score_version, total_score, score_tier FROM leads.leads WHERE id = $1',
          [leadId],
        )
      )[0];

    expect(await transactionsOf(await scoresAsOneBatch([5, 3, 5]))).toEqual([3]);
    expect(await stored()).toEqual({ score_version: 5, total_score: 51, score_tier: 'warm' });
    await app.score(score(4));
    await app.score(score(2));
    expect(await stored()).toEqual({ score_version: 5, total_score: 51, score_tier: 'warm' });
    await scoresAsOneBatch([7, 6]);
    expect(await stored()).toEqual({ score_version: 7, total_score: 71, score_tier: 'warm' });
    expect(
      await app.sql('SELECT points FROM leads.lead_event_scores WHERE event_id = $1', [eventId]),
    ).toEqual([{ points: 2 }]);
  });

  describe('two instances consuming one burst', () => {
    let second: NestFastifyApplication | undefined;
    afterAll(() => second?.close());

    it('records every event once, one lead per person, with no dead letters', async () => {
      second = await startAnotherLeadsInstance();
      // Watched, not replaced: how many events the second instance was handed.
      const handledBySecond = jest.spyOn(second.get(LeadIngestService), 'recordIngestEvents');

      const tag = unique();
      const PEOPLE = 120;
      const ROUNDS = 5;
      const emailOf = (p: number) => `p${p}.${tag}@co-${p % 8}-${tag}.example`;
      // Round by round, so both instances hold events of the same people (and companies) at the same time.
      const events = Array.from({ length: ROUNDS }, (_, round) =>
        Array.from({ length: PEOPLE }, (_, p) =>
          app.ingestEvent({
            lead_identifier: {
              email: round % 2 ? emailOf(p).toUpperCase() : emailOf(p),
              ...(round === 1 ? { waalaxy_id: `wx-${p}-${tag}` } : {}),
              ...(round === 3 ? { lemlist_id: `lm-${p}-${tag}` } : {}),
            },
            occurred_at: new Date(Date.UTC(2025, 0, 1 + ((round * 7) % ROUNDS))).toISOString(),
            metadata: {
              company_name: `Company ${p % 8} ${tag}`,
              ...(round === 2 ? { first_name: `N${p}` } : {}),
            },
          }),
        ),
      ).flat();
      const envelopes = await publishAll(events);
      await app.waitAllHandled(
        Subjects.IngestEventReceived,
        envelopes.map((e) => e.id),
        180_000,
      );

      expect(await app.sql('SELECT id FROM leads.dead_letter')).toEqual([]);
      const eventsOfSecond = handledBySecond.mock.calls.reduce((n, [input]) => n + input.envelopes.length, 0);
      expect(eventsOfSecond).toBeGreaterThan(0);
      expect(eventsOfSecond).toBeLessThan(events.length);
      const leads = await app.sql<{
        email: string;
        waalaxy_id: string;
        lemlist_id: string;
        first_name: string;
        events: number;
      }>(
        `SELECT l.email, l.waalaxy_id, l.lemlist_id, l.first_name,
                (SELECT count(*)::int FROM leads.lead_events e WHERE e.lead_id = l.id AND e.source <> 'crm') AS events
           FROM leads.leads l WHERE l.email LIKE $1 ORDER BY l.email`,
        [`%.${tag}@%`],
      );
      expect(leads).toHaveLength(PEOPLE);
      for (const lead of leads) {
        const p = Number(/^p(\d+)\./.exec(lead.email)![1]);
        expect(lead).toEqual({
          email: emailOf(p),
          waalaxy_id: `wx-${p}-${tag}`,
          lemlist_id: `lm-${p}-${tag}`,
          first_name: `N${p}`,
          events: ROUNDS,
        });
      }
      const recorded = await app.sql<{ n: number; total: number }>(
        `SELECT count(DISTINCT envelope->'data'->>'event_id')::int AS n, count(*)::int AS total
           FROM leads.outbox_message WHERE envelope->'data'->>'event_id' = ANY($1)`,
        [events.map((e) => e.event_id)],
      );
      expect(recorded).toEqual([{ n: events.length, total: events.length }]);
      expect(
        await app.sql('SELECT domain FROM leads.organizations WHERE domain LIKE $1', [`%-${tag}.example`]),
      ).toHaveLength(8);
    }, 180_000);
  });
});
