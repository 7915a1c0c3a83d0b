import { randomUUID } from 'node:crypto';
import { Subjects, type MocoSyncSucceededV1, type MocoSyncV1 } from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { MocoHarness } from './support/moco-harness';

const LIMIT = 6;
const WINDOW_MS = 1_000;

describe('moco service: syncs stay inside MOCO’s rate limit (fake MOCO enforcing it)', () => {
  let h: MocoHarness;

  beforeAll(async () => {
    h = await MocoHarness.start({
      fake: { rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, retryAfter: true } },
      env: { MOCO_RATE_LIMIT: String(LIMIT), MOCO_RATE_WINDOW_MS: String(WINDOW_MS) },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('several commands at once never get a 429: no window of the fake holds more than the limit', async () => {
    const leads: string[] = Array.from({ length: 3 }, () => randomUUID());
    const succeeded = h.nats.collect<MocoSyncSucceededV1>(Subjects.MocoSyncSucceeded, (e) =>
      leads.includes(e.data.lead_id),
    );
    for (const id of leads) {
      const data: MocoSyncV1 = {
        operation: 'create_customer',
        lead: {
          id,
          email: `${id.slice(0, 8)}@acme.test`,
          first_name: 'A',
          last_name: 'B',
          phone: null,
          job_title: null,
        },
        organization: null,
        deal: null,
        force: false,
      };
      await h.nats.publish(
        Subjects.MocoSync,
        h.nats.envelope(Subjects.MocoSync, data, { idempotencyKey: id }),
      );
    }
    await waitFor(async () => succeeded.length === leads.length, { timeoutMs: 60_000 });

    const accepted = h.fake.received.map((r) => r.at.getTime());
    expect(accepted.length).toBeGreaterThan(2 * LIMIT);
    expect(h.fake.received.filter((r) => r.status === 429)).toEqual([]);
    for (const t of accepted) {
      expect(accepted.filter((u) => u > t - WINDOW_MS && u <= t).length).toBeLessThanOrEqual(LIMIT);
    }
  });
});
