import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  Queries,
  Subjects,
  type MocoSyncFailedV1,
  type MocoSyncOperation,
  type MocoSyncSucceededV1,
  type MocoSyncV1,
} from '@crm/contracts';
import { waitFor, type MocoResource } from '@crm/testing';
import type { LeadErasureConfirmedV1 } from '@crm/contracts';
import { MocoHarness } from './support/moco-harness';

describe('moco service: sync commands (real NATS + Postgres + Redis, fake MOCO)', () => {
  let h: MocoHarness;

  beforeAll(async () => {
    h = await MocoHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => h.fake.reset());

  function command(operation: MocoSyncOperation, overrides: Partial<MocoSyncV1> = {}): MocoSyncV1 {
    const leadId = randomUUID();
    return {
      operation,
      lead: {
        id: leadId,
        email: `jane.${leadId.slice(0, 8)}@acme.test`,
        first_name: 'Jane',
        last_name: 'Doe',
        phone: null,
        job_title: 'CTO',
      },
      organization: {
        id: randomUUID(),
        name: `Acme ${leadId.slice(0, 8)} GmbH`,
        website: null,
        country_code: 'de',
      },
      deal: {
        id: randomUUID(),
        name: 'Lab enablement',
        value: 12000,
        currency: 'EUR',
        expected_close_date: '2027-03-31',
      },
      force: false,
      reference: randomUUID(),
      ...overrides,
    };
  }

  const forKey = (key: string) => (e: { data: { idempotency_key: string } }) =>
    e.data.idempotency_key === key;

  async function run(data: MocoSyncV1, key = randomUUID(), times = 1) {
    const succeeded = h.nats.collect<MocoSyncSucceededV1>(Subjects.MocoSyncSucceeded, forKey(key));
    const failed = h.nats.collect<MocoSyncFailedV1>(Subjects.MocoSyncFailed, forKey(key));
    for (let i = 0; i < times; i++) {
      // A new envelope id each time: the broker does not dedupe it, as with a redelivery by another producer.
      await h.nats.publish(
        Subjects.MocoSync,
        h.nats.envelope(Subjects.MocoSync, data, { idempotencyKey: key }),
        {
          dedupe: false,
        },
      );
    }
    await waitFor(async () => succeeded.length + failed.length >= times, { timeoutMs: 30_000 });
    return { succeeded, failed };
  }

  /** Index of the first request of this method and path. */
  const firstIndex = (method: string, path: string) =>
    h.fake.received.findIndex((r) => r.method === method && r.path === `/api/v1/${path}`);
  const count = (resource: MocoResource) => h.fake.records(resource).length;

  it.each<[MocoSyncOperation, MocoResource, string]>([
    ['create_customer', 'people', 'contacts/people'],
    ['create_deal', 'deals', 'deals'],
    ['create_offer', 'offers', 'offers'],
    ['create_project', 'projects', 'projects'],
    ['create_invoice_draft', 'invoices', 'invoices'],
  ])('%s looks up before it creates and answers with the MOCO ids', async (operation, resource, path) => {
    const data = command(operation);
    const { succeeded, failed } = await run(data);
    expect(failed).toEqual([]);
    expect(succeeded[0].data).toMatchObject({ operation, lead_id: data.lead.id, reference: data.reference });

    for (const p of ['companies', 'contacts/people', path]) {
      expect(firstIndex('GET', p)).toBeGreaterThanOrEqual(0);
      expect(firstIndex('GET', p)).toBeLessThan(firstIndex('POST', p));
    }
    expect(count('companies')).toBe(1);
    expect(count(resource)).toBe(1);
    const company = h.fake.records('companies')[0];
    expect(company.custom_properties).toEqual({ 'CRM-ID': data.organization!.id });
    expect(succeeded[0].data.moco.company_id).toBe(company.id);
  });

  it("applies a trigger's options to what it creates: customer name, deal name/money/owner, invoice title, tax, due days, item", async () => {
    const customer = command('create_customer', { options: { customer_name: 'Acme Research Labs' } });
    expect((await run(customer)).failed).toEqual([]);
    expect(h.fake.records('companies').map((c) => c.name)).toEqual(['Acme Research Labs']);

    // Ben Sales, the fake account's second active user (the default would be the first).
    const deal = command('create_deal', {
      options: { name: 'Panel study', money: 9000, user_id: 933590697 },
    });
    expect((await run(deal)).failed).toEqual([]);
    expect(h.fake.records('deals')[0]).toMatchObject({ name: 'Panel study', money: 9000 });
    expect(JSON.stringify(h.fake.records('deals')[0])).toContain('933590697');

    const invoice = command('create_invoice_draft', {
      options: { title: 'Pilot', tax: 7, due_days: 10, item_title: 'Sequencing run', unit_price: 450 },
    });
    expect((await run(invoice)).failed).toEqual([]);
    const [draft] = h.fake.records('invoices');
    const dueInDays = (Date.parse(String(draft.due_date)) - Date.parse(String(draft.date))) / 86_400_000;
    expect(draft).toMatchObject({ title: 'Pilot', tax: 7, status: 'draft' });
    expect(dueInDays).toBe(10);
    expect(draft.items).toEqual([expect.objectContaining({ title: 'Sequencing run', unit_price: 450 })]);
  });

  it('a redelivered command and a forced retry create every MOCO record once', async () => {
    const data = command('create_offer');
    const key = randomUUID();
    const first = await run(data, key, 2);
    expect(first.succeeded).toHaveLength(2);
    const forced = await run({ ...data, force: true });
    expect(forced.succeeded[0].data.moco).toEqual(first.succeeded[0].data.moco);
    for (const resource of ['companies', 'people', 'deals', 'offers'] as const)
      expect(count(resource)).toBe(1);
    // The mapping answered the second delivery: it made no new lookups of its own beyond the forced one.
    const mapped = await h.query(
      `SELECT moco_type FROM moco.mappings WHERE lead_id = $1 ORDER BY moco_type`,
      [data.lead.id],
    );
    expect(mapped.map((m) => m.moco_type)).toEqual(['company', 'contact', 'deal', 'offer']);
  });

  it('a create MOCO did but never answered is found by the next lookup (one record)', async () => {
    h.fake.fail(
      { kind: 'timeout', afterApply: true, delayMs: 3_000, times: 1 },
      { method: 'POST', path: '/deals' },
    );
    const data = command('create_deal');
    const { succeeded } = await run(data);
    expect(succeeded).toHaveLength(1);
    expect(h.fake.requests('POST', '/deals')).toHaveLength(1);
    expect(count('deals')).toBe(1);
    expect(succeeded[0].data.moco.deal_id).toBe(h.fake.records('deals')[0].id);
  });

  it('a crash between the MOCO create and the commit: the redelivery finds the record and creates none', async () => {
    // The mapping write of the project fails once, rolling the handler's transaction back after MOCO created it.
    await h.query(`
      CREATE SEQUENCE moco.test_crash_seq;
      CREATE FUNCTION moco.test_crash() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.moco_type = 'project' AND nextval('moco.test_crash_seq') <= 1 THEN
          RAISE EXCEPTION 'test fault: crash before commit';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_crash BEFORE INSERT ON moco.mappings FOR EACH ROW EXECUTE FUNCTION moco.test_crash();`);
    try {
      const data = command('create_project');
      const { succeeded } = await run(data);
      expect(succeeded).toHaveLength(1);
      expect(h.fake.requests('POST', '/projects')).toHaveLength(1);
      expect(count('projects')).toBe(1);
      expect(count('deals')).toBe(1);
    } finally {
      await h.query(
        `DROP TRIGGER test_crash ON moco.mappings; DROP FUNCTION moco.test_crash(); DROP SEQUENCE moco.test_crash_seq`,
      );
    }
  });

  it('retries after a 500 and succeeds; a create answered 500 is looked up before it is repeated', async () => {
    h.fake.fail({ kind: 'server_error', times: 1 }, { method: 'GET', path: '/companies' });
    h.fake.fail({ kind: 'server_error', times: 1 }, { method: 'POST', path: '/contacts/people' });
    const { succeeded } = await run(command('create_customer'));
    expect(succeeded).toHaveLength(1);
    expect(h.fake.requests('GET', '/companies')[0].status).toBe(500);
    expect(count('companies')).toBe(1);
    // The 500 create did not happen in the fake, so it was created once on the second try.
    expect(count('people')).toBe(1);
  });

  it('honours Retry-After on a 429 storm', async () => {
    h.fake.fail({ kind: 'rate_limit', retryAfterSeconds: 1, times: 3 });
    const { succeeded } = await run(command('create_customer'));
    expect(succeeded).toHaveLength(1);
    const statuses = h.fake.received.map((r) => r.status);
    expect(statuses.slice(0, 3)).toEqual([429, 429, 429]);
    for (let i = 1; i <= 3; i++) {
      const gap = h.fake.received[i].at.getTime() - h.fake.received[i - 1].at.getTime();
      expect(gap).toBeGreaterThanOrEqual(950);
    }
  });

  it('fails with INTEGRATION_NOT_CONFIGURED when MOCO is disabled, and calls nothing', async () => {
    await h.nats.request(Queries.MocoUpdateConfig, { enabled: false });
    try {
      const { failed } = await run(command('create_customer'));
      expect(failed[0].data.error).toMatchObject({
        code: ErrorCode.IntegrationNotConfigured,
        retryable: false,
      });
      expect(h.fake.received).toEqual([]);
      await expect(
        h.nats.request(Queries.MocoRequestSync, { ...command('create_customer') }),
      ).rejects.toMatchObject({ code: ErrorCode.IntegrationNotConfigured, status: 422 });
    } finally {
      await h.nats.request(Queries.MocoUpdateConfig, { enabled: true });
    }
  });

  it('queues a sync on request: the answer carries the command id the result echoes', async () => {
    const data = command('create_customer');
    const succeeded = h.nats.collect<MocoSyncSucceededV1>(
      Subjects.MocoSyncSucceeded,
      (e) => e.data.lead_id === data.lead.id,
    );
    const queued = await h.nats.request<{ command_id: string }>(Queries.MocoRequestSync, data);
    await waitFor(async () => succeeded.length === 1, { timeoutMs: 20_000 });
    expect(succeeded[0].data.idempotency_key).toBe(queued.command_id);
  });

  it('gives up after the last delivery on a lasting 500 and reports it, retryable, with the vendor status', async () => {
    h.fake.fail({ kind: 'server_error', status: 503 }, { method: 'GET', path: '/companies' });
    const { succeeded, failed } = await run(command('create_customer'));
    expect(succeeded).toEqual([]);
    expect(failed[0].data).toMatchObject({
      error: { code: ErrorCode.ExternalServiceError, retryable: true, vendor_status: 503 },
      attempts: 5,
    });
    expect(h.fake.requests('POST', '/companies')).toEqual([]);
  });

  it('reports a command that cannot be read as failed (dead letter) instead of leaving it unanswered', async () => {
    const key = randomUUID();
    const failed = h.nats.collect<MocoSyncFailedV1>(Subjects.MocoSyncFailed, forKey(key));
    const data = { ...command('create_customer'), force: 'yes' } as unknown as MocoSyncV1;
    await h.nats.publish(
      Subjects.MocoSync,
      h.nats.envelope(Subjects.MocoSync, data, { idempotencyKey: key }),
    );
    await waitFor(async () => failed.length === 1, { timeoutMs: 20_000 });
    expect(failed[0].data).toMatchObject({
      lead_id: data.lead.id,
      error: { code: 'dead_lettered', retryable: false },
    });
    expect(h.fake.received).toEqual([]);
  });

  it('erases the mappings of an erased lead and confirms with moco.lead.erased; the export lists them before', async () => {
    const data = command('create_deal');
    await run(data);
    const before = await h.nats.request<{ mappings: { moco_type: string }[] }>(Queries.MocoGdprExport, {
      lead_id: data.lead.id,
    });
    expect(before.mappings.map((m) => m.moco_type).sort()).toEqual(['company', 'contact', 'deal']);

    const erasureId = randomUUID();
    const confirmed = h.nats.collect<LeadErasureConfirmedV1>(
      Subjects.MocoLeadErased,
      (e) => e.data.erasure_id === erasureId,
    );
    await h.nats.publish(
      Subjects.LeadErased,
      h.nats.envelope(Subjects.LeadErased, {
        erasure_id: erasureId,
        lead_id: data.lead.id,
        erased_at: new Date().toISOString(),
      }),
    );
    await waitFor(async () => confirmed.length === 1, { timeoutMs: 20_000 });
    expect(confirmed[0].data).toMatchObject({ service: 'moco', deleted_records: { mappings: 3 } });
    const after = await h.nats.request<{ mappings: unknown[] }>(Queries.MocoGdprExport, {
      lead_id: data.lead.id,
    });
    expect(after.mappings).toEqual([]);
  });
});
