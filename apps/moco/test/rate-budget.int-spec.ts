import { randomUUID } from 'node:crypto';
import type { AppLogger } from '@crm/service-kit';
import { FAKE_MOCO_API_KEY, FakeMocoServer } from '@crm/testing';
import { MocoConfig } from '../src/config/moco.config';
import { MocoRateBudget } from '../src/moco-client/moco-rate-budget';

const LIMIT = 5;
const WINDOW_MS = 1_000;

/** A logger that keeps quiet; the budget only warns when Redis is down. */
const quietLogger = {
  child: () => ({ warn: () => undefined, info: () => undefined }),
} as unknown as AppLogger;

describe('MocoRateBudget: one MOCO request budget shared by every instance (real Redis)', () => {
  let fake: FakeMocoServer;
  const budgets: MocoRateBudget[] = [];

  beforeAll(async () => {
    fake = await FakeMocoServer.start({ rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, retryAfter: true } });
  });
  afterAll(async () => {
    for (const budget of budgets) budget.onModuleDestroy();
    await fake.close();
  });

  function instance(prefix: string): MocoRateBudget {
    const config = Object.assign(new MocoConfig(), {
      REDIS_KEY_PREFIX: prefix,
      MOCO_RATE_LIMIT: LIMIT,
      MOCO_RATE_WINDOW_MS: WINDOW_MS,
      MOCO_MAX_WAIT_MS: 60_000,
    });
    const budget = new MocoRateBudget(config, quietLogger);
    budgets.push(budget);
    return budget;
  }

  it('two instances together never send MOCO more than the limit in any window', async () => {
    const prefix = `crm:test-${randomUUID()}:moco:`;
    const [a, b] = [instance(prefix), instance(prefix)];
    const call = async (budget: MocoRateBudget): Promise<number> => {
      await budget.acquire(FAKE_MOCO_API_KEY);
      const res = await fetch(`${fake.baseUrl}/session`, {
        headers: { Authorization: `Token token=${FAKE_MOCO_API_KEY}` },
      });
      return res.status;
    };
    const statuses = await Promise.all(Array.from({ length: 14 }, (_, i) => call(i % 2 ? a : b)));

    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const times = fake.received.map((r) => r.at.getTime()).sort((x, y) => x - y);
    expect(times).toHaveLength(14);
    for (const t of times) {
      expect(times.filter((u) => u > t - WINDOW_MS && u <= t).length).toBeLessThanOrEqual(LIMIT);
    }
  });
});
