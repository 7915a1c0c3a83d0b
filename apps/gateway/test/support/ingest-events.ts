import { randomUUID } from 'node:crypto';

/** A valid `POST /events/ingest` body (api.md §4.1) for source `website`, with a fresh `event_id`. */
export function validIngestEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: `evt-${randomUUID()}`,
    event_type: 'page_visited',
    event_category: 'engagement',
    source: 'website',
    occurred_at: '2026-01-01T10:00:00+02:00',
    lead_identifier: { email: 'Jane.Doe@Example.com' },
    metadata: { page: '/enterprise' },
    utm_campaign: 'spring',
    ...overrides,
  };
}

/** The api.md §4.1 202 body for an accepted event. */
export function acceptedIngestAnswer(eventId: unknown) {
  return {
    success: true,
    event_id: eventId,
    message: 'Event queued for processing',
    queued_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
  };
}
