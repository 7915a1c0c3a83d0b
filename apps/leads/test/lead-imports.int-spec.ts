import { randomUUID } from 'node:crypto';
import {
  Queries,
  Subjects,
  type IngestEventReceivedV1,
  type LeadImportCompletedV1,
  type LeadImportView,
  type LeadView,
  type TimelineItemView,
} from '@crm/contracts';
import { LeadsTestApp } from './support/leads-test-app';

const ACTOR = { type: 'user' as const, id: randomUUID(), name: 'ada@dna-me.example' };

interface Row {
  email: string;
  first_name?: string;
  job_title?: string;
  linkedin_url?: string;
  message?: string;
}

/** Bulk import in leads (api.md §4.4): batches registered, rows resolved by the batched ingest consumer, counted once. */
describe('leads: bulk import batches', () => {
  const app = new LeadsTestApp();
  const unique = () => randomUUID().slice(0, 8);

  beforeAll(() => app.start());
  afterAll(() => app.stop());

  const register = (batchId: string, total: number, skipDuplicates: boolean) =>
    app.call<{ batch_id: string; queued_at: string }>(Queries.LeadsRegisterImport, {
      actor: ACTOR,
      batch_id: batchId,
      source: 'csv_import',
      campaign_id: 'expo-25',
      total_leads: total,
      skip_duplicates: skipDuplicates,
      notify_on_complete: true,
      requester_email: 'ada@dna-me.example',
      queued_at: new Date().toISOString(),
    });

  /** The ingest events the gateway publishes for the rows (event ids fixed per row, as the gateway derives them). */
  const rowEvents = (batchId: string, rows: Row[], skipDuplicates: boolean): IngestEventReceivedV1[] =>
    rows.map((row, index) =>
      app.ingestEvent({
        event_id: randomUUID(),
        event_type: 'lead_imported',
        event_category: 'import',
        source: 'import',
        lead_identifier: {
          email: row.email,
          ...(row.linkedin_url ? { linkedin_url: row.linkedin_url } : {}),
        },
        metadata: {
          ...(row.first_name ? { first_name: row.first_name } : {}),
          ...(row.job_title ? { job_title: row.job_title } : {}),
        },
        campaign_id: 'expo-25',
        import: {
          batch_id: batchId,
          batch_index: index,
          source: 'csv_import',
          skip_duplicates: skipDuplicates,
          ...(row.message ? { message: row.message } : {}),
        },
      }),
    );

  const publishAll = async (events: IngestEventReceivedV1[]) => {
    const envelopes = [];
    for (const event of events) envelopes.push(await app.publishIngest(event));
    await app.waitAllHandled(
      Subjects.IngestEventReceived,
      envelopes.map((e) => e.id),
    );
  };

  const status = (batchId: string) => app.call<LeadImportView>(Queries.LeadsGetImport, { batch_id: batchId });
  const leadByEmail = async (email: string) =>
    (
      await app.sql<{
        id: string;
        first_name: string | null;
        job_title: string | null;
        first_touch_source: string;
      }>('SELECT id, first_name, job_title, first_touch_source FROM leads.leads WHERE email = $1', [email])
    )[0];
  const completions = async (batchId: string) => {
    await app.outboxDrained();
    return (await app.streamMessages<LeadImportCompletedV1>('LEADS', Subjects.LeadImportCompleted)).filter(
      (m) => m.data.batch_id === batchId,
    );
  };
  const timelineNotes = async (leadId: string) =>
    (await app.call<{ data: TimelineItemView[] }>(Queries.LeadsLeadTimeline, { id: leadId })).data.filter(
      (item) => item.timeline_type === 'note',
    );

  /** A lead that exists before the import, with a first name and no job title. */
  const existingLead = (email: string) =>
    app.call<LeadView>(Queries.LeadsCreateLead, { actor: ACTOR, body: { email, first_name: 'Known' } });

  it('skip_duplicates:true creates new leads, leaves known ones untouched, notes new leads, completes once', async () => {
    const known = `known.${unique()}@lab.example`;
    const fresh = `fresh.${unique()}@lab.example`;
    await existingLead(known);
    const batchId = randomUUID();
    await register(batchId, 3, true);
    expect((await status(batchId)).status).toBe('queued');

    await publishAll(
      rowEvents(
        batchId,
        [
          { email: fresh, first_name: 'Fresh', job_title: 'PI', message: 'Met at the booth; wants a demo.' },
          {
            email: known.toUpperCase(),
            first_name: 'Other',
            job_title: 'CTO',
            message: 'Not for a skipped lead',
          },
          { email: fresh, first_name: 'Again' }, // the row above created it: a duplicate now
        ],
        true,
      ),
    );

    expect(await status(batchId)).toEqual({
      batch_id: batchId,
      source: 'csv_import',
      status: 'completed',
      queued_at: expect.any(String),
      completed_at: expect.any(String),
      total_leads: 3,
      processed: 3,
      created: 1,
      updated: 0,
      skipped: 2,
      failed: 0,
      errors: [],
    });
    const created = await leadByEmail(fresh);
    expect(created).toMatchObject({ first_name: 'Fresh', job_title: 'PI', first_touch_source: 'csv_import' });
    expect(await leadByEmail(known)).toMatchObject({ first_name: 'Known', job_title: null });

    const notes = await timelineNotes(created.id);
    expect(notes).toEqual([
      expect.objectContaining({
        timeline_type: 'note',
        note_type: 'imported',
        content: 'Met at the booth; wants a demo.',
        source: 'csv_import',
        batch_id: batchId,
      }),
    ]);
    expect(await timelineNotes((await leadByEmail(known)).id)).toEqual([]);

    expect((await completions(batchId)).map((m) => m.data)).toEqual([
      {
        batch_id: batchId,
        source: 'csv_import',
        total_leads: 3,
        created: 1,
        updated: 0,
        skipped: 2,
        failed: 0,
      },
    ]);
    const [batch] = await app.sql<{ notification_status: string }>(
      'SELECT notification_status FROM leads.lead_import_batches WHERE batch_id = $1',
      [batchId],
    );
    expect(batch.notification_status).toBe('awaiting_mailer');
  });

  it('skip_duplicates:false fills the empty fields of known leads (updated) and notes them', async () => {
    const known = `merge.${unique()}@lab.example`;
    const lead = await existingLead(known);
    const batchId = randomUUID();
    await register(batchId, 2, false);
    await publishAll(
      rowEvents(
        batchId,
        [
          { email: known, first_name: 'Ignored', job_title: 'Lab Manager', message: 'Merged row note' },
          { email: `new.${unique()}@lab.example` },
        ],
        false,
      ),
    );

    expect(await status(batchId)).toMatchObject({ status: 'completed', created: 1, updated: 1, skipped: 0 });
    // Empty fields filled, set ones kept.
    expect(await leadByEmail(known)).toMatchObject({ first_name: 'Known', job_title: 'Lab Manager' });
    expect((await timelineNotes(lead.id)).map((n) => n.content)).toEqual(['Merged row note']);
  });

  it("fails a row whose LinkedIn URL belongs to another lead, with the row's index, email and code", async () => {
    const holder = `holder.${unique()}@lab.example`;
    const url = `https://www.linkedin.com/in/holder-${unique()}`;
    await app.call(Queries.LeadsCreateLead, { actor: ACTOR, body: { email: holder, linkedin_url: url } });
    const batchId = randomUUID();
    const clash = `clash.${unique()}@lab.example`;
    await register(batchId, 2, true);
    await publishAll(
      rowEvents(
        batchId,
        [{ email: `ok.${unique()}@lab.example` }, { email: clash, linkedin_url: url }],
        true,
      ),
    );

    const view = await status(batchId);
    expect(view).toMatchObject({ status: 'completed', processed: 2, created: 1, failed: 1 });
    expect(view.errors).toEqual([
      { batch_index: 1, email: clash, code: 'CONFLICT', message: expect.stringContaining('linkedin_url') },
    ]);
    expect(await leadByEmail(clash)).toBeUndefined();
    expect((await completions(batchId)).map((m) => m.data.failed)).toEqual([1]);
  });

  it('counts every row once when the batch is published again (a retried request) and completes once', async () => {
    const known = `retry.${unique()}@lab.example`;
    await existingLead(known);
    const batchId = randomUUID();
    const first = await register(batchId, 3, true);
    const events = rowEvents(
      batchId,
      [
        { email: `r1.${unique()}@lab.example`, message: 'only once' },
        { email: known },
        { email: `r3.${unique()}@lab.example` },
      ],
      true,
    );
    await publishAll(events.slice(0, 2));
    expect(await status(batchId)).toMatchObject({
      status: 'processing',
      processed: 2,
      created: 1,
      skipped: 1,
    });

    // The retry registers again (the first registration stands) and republishes every row in new envelopes.
    const again = await register(batchId, 3, true);
    expect(again).toEqual(first);
    await publishAll(events);
    await publishAll(events.slice(1, 2));

    expect(await status(batchId)).toMatchObject({
      status: 'completed',
      processed: 3,
      created: 2,
      updated: 0,
      skipped: 1,
    });
    expect(await completions(batchId)).toHaveLength(1);
    const created = await leadByEmail(events[0].lead_identifier.email!);
    expect(await timelineNotes(created.id)).toHaveLength(1);
    const [{ n }] = await app.sql<{ n: number }>(
      'SELECT count(*)::int AS n FROM leads.lead_events WHERE event_id = ANY($1::uuid[])',
      [events.map((e) => e.event_id)],
    );
    expect(n).toBe(2); // the created rows; a skipped row leaves no event
  });

  it("GDPR erase deletes the lead's imported notes and import rows, and counts the notes", async () => {
    const email = `erase.${unique()}@lab.example`;
    const batchId = randomUUID();
    await register(batchId, 1, true);
    await publishAll(rowEvents(batchId, [{ email, message: 'personal remark' }], true));
    const lead = await leadByEmail(email);
    expect(await timelineNotes(lead.id)).toHaveLength(1);

    const erasure = await app.call<{ services: { leads: { deleted_records: Record<string, number> } } }>(
      Queries.LeadsEraseLead,
      { actor: ACTOR, lead_id: lead.id },
    );
    expect(erasure.services.leads.deleted_records).toMatchObject({ notes: 1 });
    expect(await app.sql('SELECT 1 FROM leads.lead_notes WHERE lead_id = $1', [lead.id])).toEqual([]);
    expect(await app.sql('SELECT 1 FROM leads.lead_import_items WHERE lead_id = $1', [lead.id])).toEqual([]);
  });

  it('answers 404 for an unknown batch', async () => {
    const reply = await app.request(Queries.LeadsGetImport, { batch_id: randomUUID() });
    expect(reply).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('exports every lead matching the filters a chunk at a time, in id order', async () => {
    const tag = unique();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (
          await app.call<LeadView>(Queries.LeadsCreateLead, {
            actor: ACTOR,
            body: { email: `export.${tag}.${i}@lab.example`, job_title: `Exporter ${tag}` },
          })
        ).id,
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let chunks = 0;
    do {
      const chunk: { data: LeadView[]; next_cursor: string | null } = await app.call(
        Queries.LeadsExportLeads,
        {
          search: `Exporter ${tag}`,
          chunk_size: 2,
          ...(cursor ? { cursor } : {}),
        },
      );
      seen.push(...chunk.data.map((lead) => lead.id));
      cursor = chunk.next_cursor ?? undefined;
      chunks++;
    } while (cursor);
    expect(seen).toEqual([...ids].sort());
    expect(chunks).toBe(3);
  });
});
