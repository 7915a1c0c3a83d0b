import { randomUUID } from 'node:crypto';
import {
  DomainError,
  Queries,
  Subjects,
  type CituroBookingEventV1,
  type CituroWebhookReceipt,
  type LeadErasureConfirmedV1,
} from '@crm/contracts';
import { cituroSignature, waitFor } from '@crm/testing';
import { CituroHarness, WEBHOOK_SECRET } from './support/cituro-harness';

const PIPELINE = '11111111-1111-4111-8111-111111111111';
const STAGE = '22222222-2222-4222-8222-222222222222';

describe('cituro service: inbound webhook (api.md §15.4; real NATS + Postgres, fake Cituro)', () => {
  let h: CituroHarness;

  beforeAll(async () => {
    h = await CituroHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => h.fake.reset());

  /** What the gateway forwards: the exact body bytes and the X-CITURO-SIGNATURE header. */
  function deliver(raw: string, signature: string | null) {
    return h.nats.requestReply<CituroWebhookReceipt>(Queries.CituroReceiveWebhook, {
      raw_body_base64: Buffer.from(raw).toString('base64'),
      signature,
    });
  }
  const signed = (raw: string, t: string = String(Date.now()), secret = WEBHOOK_SECRET) =>
    `t=${t},s=${cituroSignature(secret, t, raw)}`;
  const bookingBody = (
    type = 'booking.created',
    customerId = 'c'.repeat(32),
    eventId: string | null = randomUUID(),
  ) =>
    JSON.stringify({
      ...(eventId === null ? {} : { eventId }),
      type,
      data: { booking: { customerId }, appointment: { startDate: '2026-12-10T10:00:00' } },
    });

  it('answers 503 SERVICE_UNAVAILABLE while no webhook secret is configured', async () => {
    const raw = bookingBody();
    const reply = await deliver(raw, signed(raw));
    expect(reply).toMatchObject({ ok: false, error: { status: 503, code: 'SERVICE_UNAVAILABLE' } });
  });

  describe('configured', () => {
    beforeAll(async () => {
      await h.configureFully();
      await h.configure({ booking_stage_by_pipeline: { [PIPELINE]: STAGE } });
    });

    it.each([
      ['t in milliseconds', (raw: string) => signed(raw)],
      ['t in seconds (≤10 digits)', (raw: string) => signed(raw, String(Math.floor(Date.now() / 1000)))],
      [
        'several s= values with whitespace',
        (raw: string) => {
          const t = String(Date.now());
          return ` t=${t} , s=${'ab'.repeat(32)} ,s = ${cituroSignature(WEBHOOK_SECRET, t, raw)}`;
        },
      ],
    ])('accepts a valid signature: %s', async (_name, sign) => {
      const seeded = h.fake.seedCustomer({ email: `w-${randomUUID()}@example.com` });
      const raw = bookingBody('booking.created', seeded.id);
      const reply = await deliver(raw, sign(raw));
      expect(reply).toEqual({
        ok: true,
        data: { received: true, event: 'booking.created', duplicate: false },
      });
    });

    it.each([
      [
        'a stale timestamp (more than 300 000 ms old)',
        (raw: string) => signed(raw, String(Date.now() - 300_500)),
      ],
      ['a wrong secret', (raw: string) => signed(raw, String(Date.now()), 'whs_someone_else')],
      [
        'the secret without its whs_ prefix',
        (raw: string) => signed(raw, String(Date.now()), WEBHOOK_SECRET.slice(4)),
      ],
      ['a tampered body', (raw: string) => signed(raw.replace('booking.created', 'booking.canceled'))],
      ['no header', () => null],
    ])('answers 401 INVALID_SIGNATURE for %s and records nothing', async (_name, sign) => {
      const raw = bookingBody();
      const before = await h.query('SELECT count(*)::int AS n FROM cituro.bookings');
      const reply = await deliver(raw, sign(raw));
      expect(reply).toMatchObject({ ok: false, error: { status: 401, code: 'INVALID_SIGNATURE' } });
      expect(await h.query('SELECT count(*)::int AS n FROM cituro.bookings')).toEqual(before);
    });

    it('answers 400 for a body that is not JSON (correctly signed)', async () => {
      const raw = 'not json';
      expect(await deliver(raw, signed(raw))).toMatchObject({
        ok: false,
        error: { status: 400, code: 'INVALID_JSON' },
      });
    });

    it('records a booking once per eventId: a duplicate answers duplicate:true and publishes nothing', async () => {
      const customer = h.fake.seedCustomer({ email: `dup-${randomUUID()}@example.com` });
      const eventId = randomUUID();
      const events = h.nats.collect<CituroBookingEventV1>(
        Subjects.CituroBookingCreated,
        (e) => e.data.event_id === eventId,
      );
      const raw = bookingBody('booking.created', customer.id, eventId);
      expect(await deliver(raw, signed(raw))).toMatchObject({ ok: true, data: { duplicate: false } });
      const again = bookingBody('booking.created', customer.id, eventId); // same id, re-signed later
      expect(await deliver(again, signed(again))).toEqual({
        ok: true,
        data: { received: true, event: 'booking.created', duplicate: true },
      });
      const [event] = await waitFor(async () => events.length > 0 && events, { message: 'booking.created' });
      expect(event.data).toMatchObject({
        event_id: eventId,
        event_type: 'booking.created',
        customer_id: customer.id,
        email: customer.email,
        lead_id: null,
        appointment: { startDate: '2026-12-10T10:00:00' },
        booking_stage_by_pipeline: { [PIPELINE]: STAGE },
      });
      expect(
        await h.query('SELECT count(*)::int AS n FROM cituro.bookings WHERE dedupe_key = $1', [eventId]),
      ).toEqual([{ n: 1 }]);
      // Only one event reached the stream for that booking (the outbox wrote it once).
      expect(events).toHaveLength(1);
    });

    it('dedupes by the SHA-256 of the body when there is no eventId', async () => {
      const raw = bookingBody('booking.canceled', 'd'.repeat(32), null);
      h.fake.seedCustomer({ email: 'nobody@example.com' });
      const first = await deliver(raw, signed(raw));
      const second = await deliver(raw, signed(raw));
      expect(first).toMatchObject({ ok: true, data: { event: 'booking.canceled', duplicate: false } });
      expect(second).toMatchObject({ ok: true, data: { event: 'booking.canceled', duplicate: true } });
    });

    it('reads the type from `event` when `type` is absent, and ignores unknown events with 200', async () => {
      const raw = JSON.stringify({ eventId: randomUUID(), event: 'customer.updated', data: {} });
      expect(await deliver(raw, signed(raw))).toEqual({
        ok: true,
        data: { received: true, event: 'customer.updated', duplicate: false },
      });
    });

    it('names the lead it invited, erases it on lead.erased and confirms', async () => {
      const leadId = randomUUID();
      const customer = h.fake.seedCustomer({ email: `erase-${randomUUID()}@example.com` });
      await h.query('INSERT INTO cituro.customer_links (lead_id, customer_id) VALUES ($1, $2)', [
        leadId,
        customer.id,
      ]);
      const events = h.nats.collect<CituroBookingEventV1>(
        Subjects.CituroBookingCreated,
        (e) => e.data.customer_id === customer.id,
      );
      const raw = bookingBody('booking.created', customer.id);
      await deliver(raw, signed(raw));
      const [event] = await waitFor(async () => events.length > 0 && events, { message: 'booking.created' });
      expect(event.data.lead_id).toBe(leadId);
      // The customer's email is not fetched for a lead the mapping names.
      expect(h.fake.requests('GET', `/customers/${customer.id}`)).toHaveLength(0);

      const exported = await h.nats.request<{ customer_id: string; bookings: unknown[] }>(
        Queries.CituroGdprExport,
        {
          lead_id: leadId,
        },
      );
      expect(exported).toEqual({
        customer_id: customer.id,
        bookings: [expect.objectContaining({ event_type: 'booking.created', customer_id: customer.id })],
      });

      const confirmations = h.nats.collect<LeadErasureConfirmedV1>(
        Subjects.CituroLeadErased,
        (e) => e.data.lead_id === leadId,
      );
      const erasureId = randomUUID();
      await h.nats.publish(
        Subjects.LeadErased,
        h.nats.envelope(Subjects.LeadErased, {
          erasure_id: erasureId,
          lead_id: leadId,
          erased_at: new Date().toISOString(),
        }),
      );
      const [confirmation] = await waitFor(async () => confirmations.length > 0 && confirmations, {
        message: 'cituro.lead.erased',
      });
      expect(confirmation.data).toMatchObject({
        erasure_id: erasureId,
        service: 'cituro',
        deleted_records: expect.objectContaining({ customer_links: 1, bookings: 1 }),
      });
      expect(await h.nats.request(Queries.CituroGdprExport, { lead_id: leadId })).toEqual({
        customer_id: null,
        bookings: [],
      });
    });

    it('refuses a forwarded request without a body with 400', async () => {
      const error = await h.nats
        .request(Queries.CituroReceiveWebhook, { signature: 'x' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ status: 400 });
    });
  });
});
