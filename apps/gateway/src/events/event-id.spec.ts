import { deriveEventId, INGEST_EVENT_ID_NAMESPACE, uuidV5 } from './event-id';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidV5', () => {
  it('matches the published vector for www.example.com in the DNS namespace', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});

describe('deriveEventId', () => {
  it('keeps a producer event_id that is a UUID (normalised to lower case)', () => {
    expect(deriveEventId('api', 'A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D')).toEqual({
      uuid: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
      basis: 'event_id',
    });
  });

  it('maps any other event_id to the UUIDv5 of `${source}:${event_id}` in the fixed namespace', () => {
    const derived = deriveEventId('api', 'evt-1');
    expect(derived).toEqual({ uuid: '529f47e0-428e-590c-affc-268bf2448116', basis: 'event_id' });
    expect(derived.uuid).toBe(uuidV5('api:evt-1', INGEST_EVENT_ID_NAMESPACE));
    expect(derived.uuid).toMatch(UUID_V5);
  });

  it('is stable across calls and distinct per source', () => {
    expect(deriveEventId('website', 'evt-1').uuid).toBe(deriveEventId('website', 'evt-1').uuid);
    expect(deriveEventId('website', 'evt-1').uuid).not.toBe(deriveEventId('portal', 'evt-1').uuid);
  });

  it('falls back to the Idempotency-Key the same way, and event_id wins over it', () => {
    expect(deriveEventId('api', undefined, 'retry-key-7')).toEqual({
      uuid: uuidV5('api:retry-key-7', INGEST_EVENT_ID_NAMESPACE),
      basis: 'idempotency_key',
    });
    expect(deriveEventId('api', undefined, '0F8FAD5B-D9CB-469F-A165-70867728950E').uuid).toBe(
      '0f8fad5b-d9cb-469f-a165-70867728950e',
    );
    expect(deriveEventId('api', 'evt-1', 'retry-key-7').uuid).toBe(deriveEventId('api', 'evt-1').uuid);
  });

  it('uses a fresh random uuid when the producer gives no key', () => {
    const first = deriveEventId('api');
    const second = deriveEventId('api', '', '');
    expect(first.basis).toBe('random');
    expect(first.uuid).toMatch(UUID_V4);
    expect(second.basis).toBe('random');
    expect(second.uuid).not.toBe(first.uuid);
  });
});
