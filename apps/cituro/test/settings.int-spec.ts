import { DomainError, Queries, type CituroConfigView, type CituroStatusView } from '@crm/contracts';
import { FAKE_CITURO_API_KEY } from '@crm/testing';
import { ADMIN, BOOKING_URL, CituroHarness, WEBHOOK_SECRET } from './support/cituro-harness';

describe('cituro service: settings (api.md §15.3; real NATS + Postgres, fake Cituro)', () => {
  let h: CituroHarness;

  beforeAll(async () => {
    h = await CituroHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => h.fake.reset());

  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a rejection');
      },
      (error: unknown) => error as DomainError,
    );

  it('is not_configured before any key is stored, without calling Cituro', async () => {
    const status = await h.nats.request<CituroStatusView>(Queries.CituroGetStatus, {});
    expect(status).toMatchObject({ status: 'not_configured', enabled: false, booking_url_configured: false });
    expect(status.message).toEqual(expect.any(String));
    expect(h.fake.received).toHaveLength(0);
  });

  it('stores secrets encrypted, answers only *_configured flags, and never returns the secrets', async () => {
    const saved = await h.configureFully();
    expect(saved).toEqual({
      base_url: h.fake.url,
      api_configured: true,
      webhook_configured: true,
      booking_url: BOOKING_URL,
      service_id: null,
      enabled: true,
      booking_stage_by_pipeline: {},
    });
    const read = await h.nats.request<CituroConfigView>(Queries.CituroGetConfig, {});
    expect(read).toEqual(saved);
    for (const answer of [saved, read]) {
      expect(JSON.stringify(answer)).not.toContain(FAKE_CITURO_API_KEY);
      expect(JSON.stringify(answer)).not.toContain(WEBHOOK_SECRET);
    }
    const [row] = await h.query<{ api_key_encrypted: string; webhook_secret_encrypted: string }>(
      'SELECT * FROM cituro.settings',
    );
    expect(row.api_key_encrypted).toMatch(/^v1\./);
    expect(row.webhook_secret_encrypted).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(FAKE_CITURO_API_KEY);
    expect(JSON.stringify(row)).not.toContain(WEBHOOK_SECRET);
  });

  it('changes only the fields sent, clears a secret with null, and refuses an empty body', async () => {
    await h.configureFully();
    const stages = { '11111111-1111-4111-8111-111111111111': '22222222-2222-4222-8222-222222222222' };
    const changed = await h.configure({ booking_stage_by_pipeline: stages, service_id: 'svc1' });
    expect(changed).toMatchObject({
      api_configured: true,
      booking_stage_by_pipeline: stages,
      service_id: 'svc1',
    });
    expect(await h.configure({ webhook_secret: null })).toMatchObject({
      webhook_configured: false,
      api_configured: true,
    });
    const error = await rejection(h.configure({}));
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
  });

  it('refuses invalid config values with 400 VALIDATION_ERROR and changes nothing', async () => {
    await h.configureFully();
    for (const body of [
      { webhook_secret: 'not-whs' },
      { base_url: 'ftp://x' },
      { booking_stage_by_pipeline: { 'not-a-uuid': 'x' } },
      { enabled: 'yes' },
    ]) {
      const error = await rejection(h.nats.request(Queries.CituroUpdateConfig, { actor: ADMIN, body }));
      expect(error).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
    }
    expect(await h.nats.request<CituroConfigView>(Queries.CituroGetConfig, {})).toMatchObject({
      webhook_configured: true,
      base_url: h.fake.url,
      enabled: true,
      booking_stage_by_pipeline: {},
    });
  });

  it('stores a template containing {BOOKING_LINK}; refuses one without it or over 200 KB', async () => {
    const html = '<p>Hi {FIRST_NAME}, <a href="{BOOKING_LINK}">book</a></p>';
    expect(
      await h.nats.request(Queries.CituroUpdateTemplate, {
        actor: ADMIN,
        body: { email_template_html: html },
      }),
    ).toEqual({ success: true, email_template_html: html });
    expect(await h.nats.request(Queries.CituroGetTemplate, {})).toEqual({ email_template_html: html });
    for (const bad of ['<p>no link</p>', `{BOOKING_LINK}${'x'.repeat(200 * 1024)}`]) {
      const error = await rejection(
        h.nats.request(Queries.CituroUpdateTemplate, { actor: ADMIN, body: { email_template_html: bad } }),
      );
      expect(error).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
    }
    expect(await h.nats.request(Queries.CituroGetTemplate, {})).toEqual({ email_template_html: html });
  });

  it('checks the connection live with GET /customers?limit=1 and reuses the answer', async () => {
    await h.configureFully();
    const first = await h.nats.request<CituroStatusView>(Queries.CituroGetStatus, {});
    expect(first).toMatchObject({ status: 'connected', enabled: true, booking_url_configured: true });
    const again = await h.nats.request<CituroStatusView>(Queries.CituroGetStatus, {});
    expect(again).toEqual(first);
    expect(h.fake.received.map((r) => [r.method, r.path, r.query])).toEqual([
      ['GET', '/customers', { limit: '1' }],
    ]);
  });

  it('reports error with Cituro’s message when the key is refused', async () => {
    await h.configure({ api_key: 'ak_revoked' });
    const status = await h.nats.request<CituroStatusView>(Queries.CituroGetStatus, {});
    expect(status.status).toBe('error');
    expect(status.message).toContain('Access forbidden');
    expect(JSON.stringify(status)).not.toContain('ak_revoked');
  });
});
