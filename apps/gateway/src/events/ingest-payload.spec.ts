import 'reflect-metadata';
import { IngestEventReceivedV1, IngestEventRequest, validatePlain } from '@crm/contracts';
import type { Principal } from '../auth/principal';
import { toIngestPayload } from './ingest-payload';

const principal: Principal = {
  kind: 'api_key',
  keyId: 'key-1',
  keyName: 'test key',
  source: 'website',
  allowedSources: ['*'],
  scopes: ['events:write'],
};

function payloadOf(body: Record<string, unknown>) {
  const request = validatePlain(IngestEventRequest, body);
  if (!request.ok) throw new Error(`test body invalid: ${JSON.stringify(request.issues)}`);
  return toIngestPayload(request.value, 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', principal);
}

// The publisher skips the contract check for these payloads (payloadValidated), so they must meet it by construction.
describe('toIngestPayload', () => {
  it.each([
    [
      'a minimal event',
      {
        event_type: 'page_visited',
        source: 'website',
        occurred_at: '2026-01-01T10:00:00Z',
        lead_identifier: { portal_id: 'p-1' },
      },
    ],
    [
      'an event with every field at its limit',
      {
        event_id: 'e'.repeat(128),
        event_type: 't'.repeat(100),
        event_category: 'c'.repeat(50),
        source: 'lemlist',
        occurred_at: '0001-01-01T00:00:00.123456789-23:59',
        lead_identifier: {
          email: 'Jane.Doe@Example.com',
          portal_id: 'p'.repeat(100),
          waalaxy_id: 'w'.repeat(100),
          linkedin_url: 'https://www.linkedin.com/in/jane',
          lemlist_id: 'l'.repeat(100),
        },
        metadata: { nested: { list: [1, 'two', null] }, api_key_source: 'spoofed' },
        campaign_id: 'x'.repeat(100),
        utm_source: 'x'.repeat(100),
        utm_medium: 'x'.repeat(100),
        utm_campaign: 'x'.repeat(100),
        correlation_id: '0f8fad5b-d9cb-469f-a165-70867728950e',
      },
    ],
  ])('builds a valid IngestEventReceivedV1 from %s', (_name, body) => {
    const payload = payloadOf(body);
    const checked = validatePlain(IngestEventReceivedV1, JSON.parse(JSON.stringify(payload)));
    expect(checked.ok ? [] : checked.issues).toEqual([]);
    expect(payload.metadata.api_key_source).toBe('website');
  });

  it('writes occurred_at in UTC with milliseconds', () => {
    const payload = payloadOf({
      event_type: 'page_visited',
      source: 'website',
      occurred_at: '2026-01-01T10:00:00+02:00',
      lead_identifier: { email: 'jane@example.com' },
    });
    expect(payload.occurred_at).toBe('2026-01-01T08:00:00.000Z');
  });
});
