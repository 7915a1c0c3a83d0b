import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  Queries,
  Subjects,
  type MocoDealClosedV1,
  type MocoInvoicePaidV1,
  type MocoSyncSucceededV1,
} from '@crm/contracts';
import { FAKE_MOCO_API_KEY, signMocoWebhook, waitFor } from '@crm/testing';
import { WebhookReceiptRepository } from '../src/webhooks/webhook-receipt.repository';
import { MocoHarness, WEBHOOK_KEY } from './support/moco-harness';

describe('moco service: settings, status, customer lookup and webhooks', () => {
  let h: MocoHarness;

  beforeAll(async () => {
    h = await MocoHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const webhook = (
    entity: Record<string, unknown>,
    target: string,
    key = WEBHOOK_KEY,
    signature?: string,
  ) => {
    const raw = JSON.stringify(entity);
    return h.nats.requestReply<Record<string, unknown>>(Queries.MocoReceiveWebhook, {
      headers: {
        'x-moco-target': target,
        'x-moco-event': 'update',
        'x-moco-signature': signature ?? signMocoWebhook(key, raw),
        'x-moco-timestamp': String(Date.now()),
      },
      raw_body_base64: Buffer.from(raw).toString('base64'),
    });
  };

  it('stores secrets encrypted, never returns them, and reports status from GET /session', async () => {
    const apiKey = 'runtime-secret-key-1234';
    h.fake.configure({ apiKeys: [apiKey] });
    const updated = await h.nats.request<Record<string, unknown>>(Queries.MocoUpdateConfig, {
      api_key: apiKey,
      base_url: h.fake.baseUrl,
      webhook_keys: [WEBHOOK_KEY],
    });
    expect(updated).toEqual({
      message: expect.any(String),
      subdomain: null,
      api_configured: true,
      webhook_configured: true,
      enabled: true,
    });
    expect(JSON.stringify(await h.nats.request(Queries.MocoGetConfig, {}))).not.toContain(apiKey);
    const [row] = await h.query<{ api_key_encrypted: string; webhook_keys_encrypted: string }>(
      'SELECT api_key_encrypted, webhook_keys_encrypted FROM moco.settings',
    );
    expect(row.api_key_encrypted).toMatch(/^v1\./);
    expect(row.api_key_encrypted).not.toContain(apiKey);
    expect(row.webhook_keys_encrypted).not.toContain(WEBHOOK_KEY);

    h.fake.reset();
    expect(await h.nats.request(Queries.MocoStatus, {})).toMatchObject({ status: 'connected' });
    expect(h.fake.requests('GET', '/session')[0].headers.authorization).toBe(`Token token=${apiKey}`);

    h.fake.configure({ apiKeys: [FAKE_MOCO_API_KEY] });
    expect(await h.nats.request(Queries.MocoStatus, {})).toMatchObject({ status: 'error' });
    await h.nats.request(Queries.MocoUpdateConfig, { api_key: FAKE_MOCO_API_KEY });
    await expect(h.nats.request(Queries.MocoUpdateConfig, {})).rejects.toMatchObject({ status: 400 });
  });

  it('reports error, not a hang, when MOCO does not answer the live check', async () => {
    h.fake.fail({ kind: 'timeout', times: 1 }, { path: '/session' });
    expect(await h.nats.request(Queries.MocoStatus, {})).toMatchObject({
      status: 'error',
      message: 'MOCO did not answer in time',
    });
  });

  it('finds the customer of an email through people?term=, 404 when none', async () => {
    const company = h.fake.store.insert('companies', { name: 'Acme', type: 'customer' });
    h.fake.store.insert('people', {
      lastname: 'Doe',
      work_email: 'jane@acme.test',
      company: { id: company.id },
    });
    expect(await h.nats.request(Queries.MocoCustomerByEmail, { email: 'jane@acme.test' })).toMatchObject({
      id: company.id,
      name: 'Acme',
    });
    await expect(
      h.nats.request(Queries.MocoCustomerByEmail, { email: 'nobody@acme.test' }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it('accepts a signed webhook once, flags the repeat as duplicate, refuses a bad signature', async () => {
    const entity = { id: 42, status: 'sent', updated_at: new Date().toISOString() };
    expect(await webhook(entity, 'Invoice')).toEqual({
      ok: true,
      data: { received: true, target: 'Invoice', event: 'update', duplicate: false },
    });
    expect(await webhook(entity, 'Invoice')).toMatchObject({ ok: true, data: { duplicate: true } });
    expect(await webhook(entity, 'Invoice', 'f'.repeat(32))).toMatchObject({
      ok: false,
      error: { status: 401, code: ErrorCode.InvalidSignature },
    });
    expect(await webhook(entity, 'Invoice', WEBHOOK_KEY, 'nothex')).toMatchObject({
      ok: false,
      error: { status: 401 },
    });
  });

  it('stores an invoice status on its mapping and turns a won MOCO deal into moco.deal.closed', async () => {
    const leadId = randomUUID();
    const dealId = randomUUID();
    const succeeded = h.nats.collect<MocoSyncSucceededV1>(
      Subjects.MocoSyncSucceeded,
      (e) => e.data.lead_id === leadId,
    );
    await h.nats.request(Queries.MocoRequestSync, {
      operation: 'create_invoice_draft',
      lead: {
        id: leadId,
        email: 'inv@acme.test',
        first_name: 'I',
        last_name: 'Nv',
        phone: null,
        job_title: null,
      },
      organization: null,
      deal: { id: dealId, name: 'Deal', value: 100, currency: 'EUR', expected_close_date: null },
      force: false,
    });
    await waitFor(async () => succeeded.length === 1, { timeoutMs: 20_000 });
    const invoiceId = succeeded[0].data.moco.invoice_id;
    const paid = h.nats.collect<MocoInvoicePaidV1>(
      Subjects.MocoInvoicePaid,
      (e) => e.data.deal_id === dealId,
    );
    const paidAt = new Date().toISOString();
    await webhook(
      {
        id: invoiceId,
        identifier: 'R2612-001',
        gross_total: 119,
        currency: 'EUR',
        status: 'paid',
        updated_at: paidAt,
      },
      'Invoice',
    );
    const [mapping] = await h.query(
      `SELECT invoice_status FROM moco.mappings WHERE moco_type = 'invoice' AND crm_id = $1`,
      [dealId],
    );
    expect(mapping.invoice_status).toBe('paid');
    // A later update of the paid invoice is no second payment.
    await webhook(
      { id: invoiceId, status: 'paid', updated_at: new Date(Date.now() + 1000).toISOString() },
      'Invoice',
    );
    await waitFor(async () => paid.length >= 1, { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(paid.map((e) => e.data)).toEqual([
      {
        deal_id: dealId,
        lead_id: leadId,
        moco_invoice_id: invoiceId,
        identifier: 'R2612-001',
        gross_total: 119,
        currency: 'EUR',
        paid_at: paidAt,
      },
    ]);

    const closed = h.nats.collect<MocoDealClosedV1>(
      Subjects.MocoDealClosed,
      (e) => e.data.deal_id === dealId,
    );
    await h.query(
      `INSERT INTO moco.mappings (crm_type, crm_id, lead_id, moco_type, moco_id) VALUES ('deal', $1, $2, 'deal', 555)`,
      [dealId, leadId],
    );
    await webhook({ id: 555, status: 'won', updated_at: new Date().toISOString() }, 'Deal');
    await waitFor(async () => closed.length === 1, { timeoutMs: 10_000 });
    expect(closed[0].data).toMatchObject({ deal_id: dealId, moco_deal_id: 555, status: 'won' });

    const exported = await h.nats.request<{ mappings: unknown[] }>(Queries.MocoGdprExport, {
      lead_id: leadId,
    });
    expect(exported.mappings.length).toBeGreaterThanOrEqual(3);
  });

  it('forgets receipts after 30 days, keeping the recent ones', async () => {
    await h.query(
      `INSERT INTO moco.webhook_receipts (target, event, entity_id, entity_updated_at, received_at)
       VALUES ('Deal', 'update', 'old', 'x', now() - interval '31 days'), ('Deal', 'update', 'new', 'x', now())`,
    );
    await h.app.get(WebhookReceiptRepository).pruneOlderThan(30);
    const ids = (await h.query<{ entity_id: string }>(`SELECT entity_id FROM moco.webhook_receipts`)).map(
      (r) => r.entity_id,
    );
    expect(ids).toContain('new');
    expect(ids).not.toContain('old');
  });

  it('answers 503 when no webhook key is configured', async () => {
    await h.nats.request(Queries.MocoUpdateConfig, { webhook_keys: [] });
    try {
      expect(await webhook({ id: 1, updated_at: 'x' }, 'Deal')).toMatchObject({
        ok: false,
        error: { status: 503 },
      });
    } finally {
      await h.nats.request(Queries.MocoUpdateConfig, { webhook_keys: [WEBHOOK_KEY] });
    }
  });
});
