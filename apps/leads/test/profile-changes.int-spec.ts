import { randomUUID } from 'node:crypto';
import { Subjects, type LeadProfileChangedV1 } from '@crm/contracts';
import { LeadsTestApp } from './support/leads-test-app';

describe('leads: lead.profile_changed for fit rules (real PostgreSQL + NATS)', () => {
  const app = new LeadsTestApp();
  const unique = () => randomUUID().slice(0, 8);

  beforeAll(() => app.start());
  afterAll(() => app.stop());

  const profilesOf = async (leadId: string) => {
    await app.outboxDrained();
    const messages = await app.streamMessages<LeadProfileChangedV1>('LEADS', Subjects.LeadProfileChanged);
    return messages.filter((m) => m.data.lead_id === leadId).map((m) => m.data);
  };
  const leadId = async (email: string) =>
    (await app.sql<{ id: string }>('SELECT id FROM leads.leads WHERE email = $1', [email]))[0].id;

  it('announces a new lead with its whole fit profile, then each change of a fit field, and nothing else', async () => {
    const tag = unique();
    const email = `ada.${tag}@fit-lab-${tag}.example`;
    await app.ingest(
      app.ingestEvent({
        source: 'waalaxy',
        lead_identifier: { email },
        metadata: { job_title: 'Head of Sequencing', company_name: 'Fit Lab', company_size: '51-200' },
      }),
    );
    const id = await leadId(email);
    const [created] = await profilesOf(id);
    expect(created).toEqual({
      lead_id: id,
      profile_version: 1,
      lead_created: true,
      changed_at: expect.any(String),
      profile: {
        email,
        first_name: null,
        last_name: null,
        phone: null,
        job_title: 'Head of Sequencing',
        status: 'new',
        lifecycle_stage: 'lead',
        first_touch_source: 'waalaxy',
        linkedin_url: null,
        organization: {
          name: 'Fit Lab',
          domain: `fit-lab-${tag}.example`,
          industry: null,
          company_size: '51-200',
          country: null,
        },
      },
    });

    // Only attribution moves: no fit field changed, nothing to announce.
    await app.ingest(app.ingestEvent({ source: 'website', lead_identifier: { email } }));
    expect(await profilesOf(id)).toHaveLength(1);

    await app.ingest(app.ingestEvent({ lead_identifier: { email }, metadata: { first_name: 'Ada' } }));
    const profiles = await profilesOf(id);
    expect(profiles.map((p) => [p.profile_version, p.lead_created, p.profile.first_name])).toEqual([
      [1, true, null],
      [2, false, 'Ada'],
    ]);
    const [{ profile_version }] = await app.sql<{ profile_version: number }>(
      'SELECT profile_version FROM leads.leads WHERE id = $1',
      [id],
    );
    expect(profile_version).toBe(2);
  });

  it('a filled organization field is a profile change of every lead of that organization', async () => {
    const tag = unique();
    const domain = `peer-lab-${tag}.example`;
    const first = `first.${tag}@${domain}`;
    const second = `second.${tag}@${domain}`;
    await app.ingest(app.ingestEvent({ lead_identifier: { email: first } }));
    await app.ingest(app.ingestEvent({ lead_identifier: { email: second } }));
    const [firstId, secondId] = [await leadId(first), await leadId(second)];

    await app.ingest(
      app.ingestEvent({ lead_identifier: { email: first }, metadata: { industry: 'Biotech' } }),
    );

    for (const id of [firstId, secondId]) {
      const profiles = await profilesOf(id);
      expect(profiles.map((p) => [p.profile_version, p.profile.organization?.industry ?? null])).toEqual([
        [1, null],
        [2, 'Biotech'],
      ]);
    }
    const versions = await app.sql<{ email: string; profile_version: number }>(
      'SELECT email, profile_version FROM leads.leads WHERE email = ANY($1) ORDER BY email',
      [[first, second]],
    );
    expect(versions.map((v) => v.profile_version)).toEqual([2, 2]);
  });

  it('many events of one new person in one batch announce one profile with everything they said', async () => {
    const tag = unique();
    const email = `batch.${tag}@batch-lab-${tag}.example`;
    const events = [
      app.ingestEvent({ lead_identifier: { email }, metadata: { first_name: 'Bo' } }),
      app.ingestEvent({ lead_identifier: { email }, metadata: { job_title: 'PhD Student' } }),
      app.ingestEvent({ lead_identifier: { email }, metadata: { last_name: 'Lind' } }),
    ];
    const envelopes = [];
    for (const event of events) envelopes.push(await app.publishIngest(event));
    for (const envelope of envelopes) await app.waitHandled(Subjects.IngestEventReceived, envelope.id);

    const profiles = await profilesOf(await leadId(email));
    // One batch → one profile; several batches → one per batch, the last with everything.
    const last = profiles[profiles.length - 1];
    expect(last.profile).toMatchObject({ first_name: 'Bo', job_title: 'PhD Student', last_name: 'Lind' });
    expect(profiles.map((p) => p.profile_version)).toEqual(profiles.map((_, i) => i + 1));
    expect(profiles[0].lead_created).toBe(true);
  });
});
